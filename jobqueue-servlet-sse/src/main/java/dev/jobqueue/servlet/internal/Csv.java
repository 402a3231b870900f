package dev.jobqueue.servlet.internal;

import dev.jobqueue.Job;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * CSV export (RFC 4180) of jobs with the same column names as the JSON. Text cells that a
 * spreadsheet would run as a formula (starting with {@code = + - @}, tab or CR) get a leading
 * apostrophe: job titles, errors and results come from users and handlers, and an export is exactly
 * the file someone opens in Excel.
 */
public final class Csv {
  static final List<String> COLUMNS =
      List.of(
          "job_id",
          "type",
          "status",
          "created_at",
          "started_at",
          "completed_at",
          "updated_at",
          "progress",
          "progress_message",
          "current_step",
          "total_steps",
          "title",
          "description",
          "parent_job_id",
          "child_job_ids",
          "result",
          "error",
          "user_id",
          "cancelable",
          "priority",
          "attempt",
          "max_attempts",
          "depends_on",
          "optional",
          "eta_seconds",
          "warnings",
          "cancel_requested");

  private Csv() {}

  public static void writeHeader(Writer w, boolean withInput) throws IOException {
    StringBuilder line = new StringBuilder();
    for (String c : COLUMNS) {
      appendSeparator(line);
      line.append(c);
    }
    if (withInput) {
      line.append(",input");
    }
    w.write(line.append("\r\n").toString());
  }

  public static void writeRow(Writer w, Job j, boolean withInput) throws IOException {
    StringBuilder line = new StringBuilder(256);
    text(line, j.id());
    text(line, j.type());
    raw(line, j.status().wireName());
    raw(line, JobJson.timestamp(j.createdAt()));
    raw(line, JobJson.timestamp(j.startedAt()));
    raw(line, JobJson.timestamp(j.completedAt()));
    raw(line, JobJson.timestamp(j.updatedAt()));
    raw(line, Double.toString(j.progress()));
    text(line, j.progressMessage());
    raw(line, j.currentStep() == null ? null : j.currentStep().toString());
    raw(line, j.totalSteps() == null ? null : j.totalSteps().toString());
    text(line, j.title());
    text(line, j.description());
    text(line, j.parentJobId());
    text(line, String.join(";", j.childJobIds()));
    text(line, j.result() == null ? null : JobJson.valueText(j.result()));
    text(line, j.error());
    text(line, j.userId());
    raw(line, Boolean.toString(j.cancelable()));
    raw(line, Integer.toString(j.priority()));
    raw(line, Integer.toString(j.attempt()));
    raw(line, Integer.toString(j.maxAttempts()));
    text(line, String.join(";", j.dependsOn()));
    raw(line, Boolean.toString(j.optional()));
    raw(line, j.etaSeconds() == null ? null : j.etaSeconds().toString());
    text(line, String.join(";", j.warnings()));
    raw(line, Boolean.toString(j.cancelRequested()));
    if (withInput) {
      text(line, JobJson.valueText(j.input()));
    }
    w.write(line.append("\r\n").toString());
  }

  /** A value we produced (number, status, timestamp): quoted only if needed, never neutralised. */
  private static void raw(StringBuilder line, String v) {
    appendSeparator(line);
    if (v != null) {
      quoted(line, v);
    }
  }

  /** Text from users or handlers. */
  private static void text(StringBuilder line, String v) {
    appendSeparator(line);
    if (v != null) {
      quoted(line, neutralise(v));
    }
  }

  static String neutralise(String v) {
    if (!v.isEmpty()) {
      char c = v.charAt(0);
      if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
        return "'" + v;
      }
    }
    return v;
  }

  static void quoted(StringBuilder line, String v) {
    boolean needs = false;
    for (int i = 0; i < v.length() && !needs; i++) {
      char c = v.charAt(i);
      needs = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!needs) {
      line.append(v);
      return;
    }
    line.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"') {
        line.append('"');
      }
      line.append(c);
    }
    line.append('"');
  }

  /**
   * Every cell but the first of a line is preceded by a comma; lines end with CRLF. Each line
   * starts with the job id, which is never empty, so a non-empty buffer means "not first".
   */
  private static void appendSeparator(StringBuilder line) {
    if (line.length() > 0) {
      line.append(',');
    }
  }
}
