package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.sql.internal.ScheduleRows;
import java.sql.SQLException;
import java.time.Instant;

/** The writer's changes to the schedules table: the shared {@link ScheduleRows} in SQLite's SQL. */
final class ScheduleOps extends WriteOp<Boolean> {
  static final String GET = "SELECT " + ScheduleRows.COLUMNS + " FROM schedules WHERE id = ?";
  static final String ALL = "SELECT " + ScheduleRows.COLUMNS + " FROM schedules ORDER BY id";
  private static final String INSERT =
      "INSERT OR IGNORE INTO schedules ("
          + ScheduleRows.COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String UPDATE =
      "UPDATE schedules SET spec = ?, template = ?, paused = ?, next_run_at = ?,"
          + " last_run_at = ?, last_job_id = ?, version = ? WHERE id = ? AND version = ?";
  private static final String DELETE = "DELETE FROM schedules WHERE id = ?";
  private static final String DUE =
      "SELECT version FROM schedules WHERE id = ? AND paused = 0 AND next_run_at = ?";
  private static final String ADVANCE =
      "UPDATE schedules SET next_run_at = ?, last_run_at = ?, last_job_id = ?,"
          + " version = version + 1 WHERE id = ?";

  @FunctionalInterface
  private interface Work {
    boolean run(Tx tx) throws SQLException;
  }

  private final Work work;

  private ScheduleOps(Work work) {
    this.work = work;
  }

  static ScheduleOps insert(RecurringSchedule s) {
    return new ScheduleOps(tx -> ScheduleRows.insert(tx::prepare, INSERT, s));
  }

  static ScheduleOps update(RecurringSchedule next, long expected) {
    return new ScheduleOps(tx -> ScheduleRows.update(tx::prepare, UPDATE, next, expected));
  }

  static ScheduleOps delete(String id) {
    return new ScheduleOps(tx -> ScheduleRows.delete(tx::prepare, DELETE, id));
  }

  /** Checks the occurrence key, inserts the job, then advances the schedule: all or nothing. */
  static ScheduleOps fire(String id, Instant occurrence, Instant next, Job job) {
    return new ScheduleOps(
        tx ->
            ScheduleRows.fire(
                tx::prepare,
                DUE,
                ADVANCE,
                id,
                occurrence,
                next,
                job.id(),
                () -> new InsertOps.Insert(job).execute(tx)));
  }

  @Override
  Boolean execute(Tx tx) throws SQLException {
    return work.run(tx);
  }

  /** A change that answers false changed nothing. */
  @Override
  boolean changedNothing(Boolean changed) {
    return !changed;
  }
}
