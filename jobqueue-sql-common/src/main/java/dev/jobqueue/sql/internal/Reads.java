package dev.jobqueue.sql.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The reads both stores make the same way; each passes its statements' text (table names differ)
 * and how it reads a job row.
 */
public final class Reads {
  private Reads() {}

  /** The job of {@code id} by {@code sql} (one parameter: the id), or null. */
  public static Job job(Statements s, String sql, String id, JobRows.ColumnReader<Job> row)
      throws SQLException {
    PreparedStatement ps = s.prepare(sql);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? row.read(rs, 1) : null;
    }
  }

  /** Every job row of a bound statement, each passed through {@code merge} (pending progress). */
  public static List<Job> jobs(
      PreparedStatement ps, JobRows.ColumnReader<Job> row, UnaryOperator<Job> merge)
      throws SQLException {
    List<Job> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(merge.apply(row.read(rs, 1)));
      }
    }
    return out;
  }

  /** The version of {@code id} by {@code sql} (one parameter: the id), or -1 when there is none. */
  public static long version(Statements s, String sql, String id) throws SQLException {
    PreparedStatement ps = s.prepare(sql);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : -1L;
    }
  }

  /**
   * Counts per type and status from rows of {@code type, status, count}: {@code all} for every
   * user, {@code ofUser} (one parameter) for one.
   */
  public static Map<String, Map<JobStatus, Long>> counts(
      Statements s, String all, String ofUser, String userId) throws SQLException {
    PreparedStatement ps = s.prepare(userId == null ? all : ofUser);
    if (userId != null) {
      ps.setString(1, userId);
    }
    Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1), t -> new EnumMap<>(JobStatus.class))
            .put(JobStatus.fromWireName(rs.getString(2)), rs.getLong(3));
      }
    }
    return out;
  }

  /**
   * The logs of {@code jobId}: {@code logs} rows (see {@link LogLines#merge}) with {@code pending}
   * (read before the rows, as for progress) winning per attempt; none once the job is gone, which
   * {@code exists} (one parameter: the id) tells.
   */
  public static List<JobLog> logs(
      Statements s, String exists, String logs, String jobId, List<JobLog> pending)
      throws SQLException {
    PreparedStatement found = s.prepare(exists);
    found.setString(1, jobId);
    try (ResultSet rs = found.executeQuery()) {
      if (!rs.next()) {
        return List.of();
      }
    }
    PreparedStatement ps = s.prepare(logs);
    ps.setString(1, jobId);
    try (ResultSet rs = ps.executeQuery()) {
      return LogLines.merge(jobId, rs, pending);
    }
  }

  /** The first column of every row of {@code sql} (no parameters), in row order. */
  public static Set<String> strings(Statements s, String sql) throws SQLException {
    Set<String> out = new LinkedHashSet<>();
    try (ResultSet rs = s.prepare(sql).executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return Collections.unmodifiableSet(out);
  }
}
