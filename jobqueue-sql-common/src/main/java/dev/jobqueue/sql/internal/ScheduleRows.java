package dev.jobqueue.sql.internal;

import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.Schedule;
import dev.jobqueue.spi.Templates;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The schedules table of both stores: its row codec and the steps of each change. A store passes
 * its statements (table names, {@code ON CONFLICT} and locking differ) in the parameter orders
 * given here, and wraps the steps in its own write operations.
 */
public final class ScheduleRows {
  /** The columns {@link #read} expects, in order. */
  public static final String COLUMNS =
      "id, spec, template, paused, next_run_at, last_run_at, last_job_id, version";

  private ScheduleRows() {}

  public static RecurringSchedule read(ResultSet rs) throws SQLException {
    return new RecurringSchedule(
        rs.getString(1),
        Schedule.parse(rs.getString(2)),
        Templates.fromMap(Json.map(rs.getString(3))),
        rs.getBoolean(4),
        JobRows.instant(rs, 5),
        JobRows.instant(rs, 6),
        rs.getString(7),
        rs.getLong(8));
  }

  /** The schedule of {@code id} by {@code sql} ({@link #COLUMNS}; parameter: the id), or null. */
  public static RecurringSchedule get(Statements s, String sql, String id) throws SQLException {
    PreparedStatement ps = s.prepare(sql);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? read(rs) : null;
    }
  }

  /** Every schedule by {@code sql} ({@link #COLUMNS}, no parameter). */
  public static List<RecurringSchedule> all(Statements s, String sql) throws SQLException {
    List<RecurringSchedule> out = new ArrayList<>();
    try (ResultSet rs = s.prepare(sql).executeQuery()) {
      while (rs.next()) {
        out.add(read(rs));
      }
    }
    return out;
  }

  /** {@code sql} inserts unless the id exists: parameters {@link #COLUMNS}. */
  public static boolean insert(Statements s, String sql, RecurringSchedule schedule)
      throws SQLException {
    PreparedStatement ps = s.prepare(sql);
    ps.setString(1, schedule.id());
    bind(ps, schedule, 2);
    return ps.executeUpdate() == 1;
  }

  /**
   * {@code sql} sets every column but id where id and version match: parameters spec, template,
   * paused, next_run_at, last_run_at, last_job_id, version, then id and the expected version.
   */
  public static boolean update(Statements s, String sql, RecurringSchedule next, long expected)
      throws SQLException {
    if (next.version() <= expected) {
      return false;
    }
    PreparedStatement ps = s.prepare(sql);
    int i = bind(ps, next, 1);
    ps.setString(i++, next.id());
    ps.setLong(i, expected);
    return ps.executeUpdate() == 1;
  }

  /** {@code sql} deletes by id (one parameter). */
  public static boolean delete(Statements s, String sql, String id) throws SQLException {
    PreparedStatement ps = s.prepare(sql);
    ps.setString(1, id);
    return ps.executeUpdate() == 1;
  }

  /** Inserts the job of an occurrence, in the transaction of {@link #fire}. */
  @FunctionalInterface
  public interface JobInsert {
    /** Throws, having changed nothing, on a conflict. */
    void insert() throws SQLException;
  }

  /**
   * Fires one occurrence, all or nothing: {@code due} (id, occurrence) finds the schedule unpaused
   * at that occurrence (a store may lock it there), the job is inserted, {@code advance} (next run,
   * occurrence as last run, job id, id) moves the schedule on.
   *
   * @return false when the occurrence was not due (fired already, paused, changed)
   */
  public static boolean fire(
      Statements s,
      String due,
      String advance,
      String id,
      Instant occurrence,
      Instant next,
      String jobId,
      JobInsert insert)
      throws SQLException {
    PreparedStatement check = s.prepare(due);
    check.setString(1, id);
    check.setLong(2, JobRows.nanos(occurrence));
    try (ResultSet rs = check.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
    }
    insert.insert();
    PreparedStatement up = s.prepare(advance);
    JobRows.setInstant(up, 1, next);
    up.setLong(2, JobRows.nanos(occurrence));
    up.setString(3, jobId);
    up.setString(4, id);
    up.executeUpdate();
    return true;
  }

  /** Binds every column but id from {@code i}: spec, template, paused, times, job, version. */
  private static int bind(PreparedStatement ps, RecurringSchedule s, int i) throws SQLException {
    ps.setString(i++, s.schedule().spec());
    ps.setString(i++, Json.write(Templates.toMap(s.template())));
    ps.setBoolean(i++, s.paused());
    JobRows.setInstant(ps, i++, s.nextRunAt());
    JobRows.setInstant(ps, i++, s.lastRunAt());
    ps.setString(i++, s.lastJobId());
    ps.setLong(i++, s.version());
    return i;
  }
}
