package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.Schedule;
import dev.jobqueue.spi.Templates;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/** The schedules table: its row codec and the writer's changes to it. */
final class Schedules {
  private Schedules() {}

  static RecurringSchedule read(ResultSet rs) throws SQLException {
    return new RecurringSchedule(
        rs.getString(1),
        Schedule.parse(rs.getString(2)),
        Templates.fromMap(PgCodec.map(rs.getString(3))),
        rs.getBoolean(4),
        instant(rs, 5),
        instant(rs, 6),
        rs.getString(7),
        rs.getLong(8));
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : PgCodec.instant(v);
  }

  /** Binds every column but id from {@code i}: spec, template, paused, times, job, version. */
  private static int bind(PreparedStatement ps, RecurringSchedule s, int i) throws SQLException {
    ps.setString(i++, s.schedule().spec());
    ps.setString(i++, PgCodec.json(Templates.toMap(s.template())));
    ps.setBoolean(i++, s.paused());
    setInstant(ps, i++, s.nextRunAt());
    setInstant(ps, i++, s.lastRunAt());
    ps.setString(i++, s.lastJobId());
    ps.setLong(i++, s.version());
    return i;
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, PgCodec.nanos(t));
    }
  }

  static final class Insert extends WriteOp<Boolean> {
    private final RecurringSchedule s;

    Insert(RecurringSchedule s) {
      this.s = s;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(tx.sql.insertSchedule);
      ps.setString(1, s.id());
      bind(ps, s, 2);
      return ps.executeUpdate() == 1;
    }
  }

  static final class Update extends WriteOp<Boolean> {
    private final RecurringSchedule next;
    private final long expected;

    Update(RecurringSchedule next, long expected) {
      this.next = next;
      this.expected = expected;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      if (next.version() <= expected) {
        return false;
      }
      PreparedStatement ps = tx.prepare(tx.sql.updateSchedule);
      int i = bind(ps, next, 1);
      ps.setString(i++, next.id());
      ps.setLong(i, expected);
      return ps.executeUpdate() == 1;
    }
  }

  static final class Delete extends WriteOp<Boolean> {
    private final String id;

    Delete(String id) {
      this.id = id;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(tx.sql.deleteSchedule);
      ps.setString(1, id);
      return ps.executeUpdate() == 1;
    }
  }

  /** Locks the schedule, checks the occurrence key, inserts the job, advances: all or nothing. */
  static final class Fire extends WriteOp<Boolean> {
    private final String id;
    private final Instant occurrence;
    private final Instant next;
    private final Job job;

    Fire(String id, Instant occurrence, Instant next, Job job) {
      this.id = id;
      this.occurrence = occurrence;
      this.next = next;
      this.job = job;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      PreparedStatement due = tx.prepare(tx.sql.dueSchedule);
      due.setString(1, id);
      due.setLong(2, PgCodec.nanos(occurrence));
      try (ResultSet rs = due.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
      }
      WriteOp.Insert.insertOne(tx, job); // throws, having changed nothing, on a conflict
      PreparedStatement up = tx.prepare(tx.sql.advanceSchedule);
      setInstant(up, 1, next);
      up.setLong(2, PgCodec.nanos(occurrence));
      up.setString(3, job.id());
      up.setString(4, id);
      up.executeUpdate();
      return true;
    }
  }
}
