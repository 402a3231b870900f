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
    if (insert(tx, jobs) != jobs.size()) {
      // one of them is refused: find which, and why, one at a time
      tx.connection.rollback(sp);
      for (Job j : jobs) {
        if (insert(tx, List.of(j)) == 0) {
          // asked before the rollback: the job in the way may be an earlier one of this list
          RuntimeException refusal = refusal(tx, j);
          tx.connection.rollback(sp);
          throw refusal;
        }
      }
    }
    tx.connection.releaseSavepoint(sp);
    return null;
  }

  /** Inserts {@code j}, or throws why it cannot be. */
  static void insertOne(Tx tx, Job j) throws SQLException {
    if (insert(tx, List.of(j)) == 0) {
      throw refusal(tx, j);
    }
  }

  /** Inserts what it can of {@code jobs} in one statement; returns how many. */
  private static int insert(Tx tx, List<Job> jobs) throws SQLException {
    ColumnArrays rows = new ColumnArrays(PgCodec.PARAMS + 1, jobs.size());
    for (int r = 0; r < jobs.size(); r++) {
      Job j = jobs.get(r);
      PreparedStatement row = rows.row(r);
      int i = JobRows.bindCold(row, j, 1, JobRows::bindJsonList);
      i = JobRows.bindHot(row, j, i);
      PgCodec.setMicros(row, i, PgCodec.microsFromNow(j.leaseExpiresAt()));
    }
    PreparedStatement ps = tx.prepare(tx.sql.insert);
    ps.setString(rows.bind(tx.connection, ps, 1), tx.origin);
    int inserted = ps.executeUpdate();
    tx.wroteEvents |= inserted > 0;
    return inserted;
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
}
