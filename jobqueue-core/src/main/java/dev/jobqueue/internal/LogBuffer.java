package dev.jobqueue.internal;

import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogLine;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The log of one attempt while it runs on this instance: the newest lines within the bounds of
 * {@link JobLog}, and the lines not yet handed to log listeners. Thread-safe (a handler may log
 * from several threads); appending is a few field updates, so a handler can log freely.
 */
final class LogBuffer {
  private final Execution execution;
  private final ArrayDeque<JobLogLine> lines = new ArrayDeque<>();
  private final ArrayDeque<JobLogLine> fresh = new ArrayDeque<>();
  private int chars;
  private long dropped;
  private long appended;
  private long written;

  LogBuffer(Execution execution) {
    this.execution = execution;
  }

  Execution execution() {
    return execution;
  }

  synchronized void append(Instant at, String text) {
    JobLogLine line = new JobLogLine(at, cut(text));
    lines.addLast(line);
    chars += line.text().length();
    while (lines.size() > JobLog.MAX_LINES || chars > JobLog.MAX_CHARS) {
      chars -= lines.removeFirst().text().length();
      dropped++;
    }
    fresh.addLast(line);
    if (fresh.size() > JobLog.MAX_LINES) {
      fresh.removeFirst(); // listeners of a flood get the newest lines, like the stored log
    }
    appended++;
  }

  static String cut(String text) {
    if (text.length() <= JobLog.MAX_LINE_CHARS) {
      return text;
    }
    int keep = JobLog.MAX_LINE_CHARS - 1;
    if (Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--; // never split a surrogate pair
    }
    return text.substring(0, keep) + "…";
  }

  /** The log as it stands, or null when nothing was appended since the last call. */
  synchronized JobLog takeChanged() {
    if (written == appended) {
      return null;
    }
    written = appended;
    return new JobLog(execution.jobId(), execution.attempt(), List.copyOf(lines), dropped);
  }

  /** Lines appended since the last call (empty when none) and the dropped count. */
  synchronized Fresh takeFresh() {
    List<JobLogLine> out = new ArrayList<>(fresh);
    fresh.clear();
    return new Fresh(out, dropped, appended);
  }

  synchronized boolean hasUnwritten() {
    return written != appended;
  }

  synchronized JobLog snapshot() {
    return new JobLog(execution.jobId(), execution.attempt(), List.copyOf(lines), dropped);
  }

  record Fresh(List<JobLogLine> lines, long dropped, long written) {}
}
