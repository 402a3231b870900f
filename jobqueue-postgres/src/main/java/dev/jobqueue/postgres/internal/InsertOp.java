package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.UniqueKeyConflictException;
import dev.jobqueue.sql.internal.JobRows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;

/** Inserts jobs: a list all or none, each refused (and why) when its id or unique key is taken. */
final class InsertOp extends WriteOp.JobChange<Void> {
  private final List<Job> jobs;

  InsertOp(List<Job> jobs) {
    this.jobs = jobs;
  }

  @Override
  Void execute(Tx tx) throws SQLException {
    if (jobs.size() == 1) {
      insertOne(tx, jobs.get(0));
      return null;
    }
    // all or none: a conflict undoes the rows this list inserted, not the batch's other changes
    Savepoint sp = tx.savepoint();
    ColumnArrays rows = new ColumnArrays(PgCodec.PARAMS + 1, jobs.size());
    for (int r = 0; r < jobs.size(); r++) {
      Job j = jobs.get(r);
      PreparedStatement row = rows.row(r);
      int i = JobRows.bindCold(row, j, 1, JobRows::bindJsonList);
      i = JobRows.bindHot(row, j, i);
      PgCodec.setMicros(row, i, PgCodec.microsFromNow(j.leaseExpiresAt()));
    }
    PreparedStatement ps = tx.prepare(tx.sql.insertMany);
    ps.setString(rows.bind(tx.connection, ps, 1), tx.origin);
    if (ps.executeUpdate() != jobs.size()) {
      // one of them is refused: find which, and why, one row at a time
      tx.connection.rollback(sp);
      insertEach(tx, sp);
    }
    tx.connection.releaseSavepoint(sp);
    tx.wroteEvents = true;
    return null;
  }

  /**
   * Inserts the jobs one statement each (after savepoint {@code sp}), or throws at the first
   * refused.
   */
  private void insertEach(Tx tx, Savepoint sp) throws SQLException {
    PreparedStatement ps = tx.prepare(tx.sql.insert);
    for (Job j : jobs) {
      bind(tx, ps, j);
      ps.addBatch();
    }
    int[] counts = ps.executeBatch();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        // asked before the rollback: the job in the way may be an earlier one of this list
        RuntimeException refusal = refusal(tx, jobs.get(i));
        tx.connection.rollback(sp);
        throw refusal;
      }
    }
  }

  /** Inserts {@code j}, or throws why it cannot be. */
  static void insertOne(Tx tx, Job j) throws SQLException {
    PreparedStatement ps = tx.prepare(tx.sql.insert);
    bind(tx, ps, j);
    if (ps.executeUpdate() != 1) {
      throw refusal(tx, j);
    }
    tx.wroteEvents = true;
  }

  /** Why {@code j} was not inserted: its id exists, or an active job holds its unique key. */
  static RuntimeException refusal(Tx tx, Job j) throws SQLException {
    PreparedStatement ps = tx.prepare(tx.sql.exists);
    ps.setString(1, j.id());
    try (ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        return new DuplicateJobException(j.id());
      }
    }
    Job holder = holder(tx, j);
    // the holder finished between the insert and this look: the key is free now, but this
    // change already failed; the caller may simply submit again
    return new UniqueKeyConflictException(
        j.uniqueKey(), holder == null ? "(just finished)" : holder.id());
  }

  /** The queued or running job other than {@code j} that holds its unique key, or null. */
  static Job holder(Tx tx, Job j) throws SQLException {
    if (j.uniqueKey() == null) {
      return null;
    }
    PreparedStatement ps = tx.prepare(tx.sql.holder);
    ps.setString(1, j.userId());
    ps.setString(2, j.userId());
    ps.setString(3, j.uniqueKey());
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Job row = PgCodec.read(rs, 1);
        if (!row.id().equals(j.id())) {
          return tx.overlay.merge(row);
        }
      }
    }
    return null;
  }

  private static void bind(Tx tx, PreparedStatement ps, Job j) throws SQLException {
    int i = PgCodec.bind(tx.connection, ps, j, 1);
    PgCodec.setMicros(ps, i++, PgCodec.microsFromNow(j.leaseExpiresAt()));
    ps.setString(i, tx.origin);
  }
}
