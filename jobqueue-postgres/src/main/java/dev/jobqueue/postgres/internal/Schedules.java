package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.sql.internal.ScheduleRows;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The writer's changes to the schedules table: the shared {@link ScheduleRows} with the statements
 * of {@link Sql}.
 */
final class Schedules extends WriteOp<Boolean> {
  @FunctionalInterface
  private interface Work {
    boolean run(Tx tx) throws SQLException;
  }

  private final Work work;

  private Schedules(Work work) {
    this.work = work;
  }

  static Schedules insert(RecurringSchedule s) {
    return new Schedules(tx -> ScheduleRows.insert(tx::prepare, tx.sql.insertSchedule, s));
  }

  static Schedules update(RecurringSchedule next, long expected) {
    return new Schedules(
        tx -> ScheduleRows.update(tx::prepare, tx.sql.updateSchedule, next, expected));
  }

  static Schedules delete(String id) {
    return new Schedules(tx -> ScheduleRows.delete(tx::prepare, tx.sql.deleteSchedule, id));
  }

  /** Locks the schedule, checks the occurrence key, inserts the job, advances: all or nothing. */
  static Schedules fire(String id, Instant occurrence, Instant next, Job job) {
    return new Schedules(
        tx ->
            ScheduleRows.fire(
                tx::prepare,
                tx.sql.dueSchedule,
                tx.sql.advanceSchedule,
                id,
                occurrence,
                next,
                job.id(),
                () -> InsertOp.insertOne(tx, job)));
  }

  @Override
  Boolean execute(Tx tx) throws SQLException {
    return work.run(tx);
  }
}
