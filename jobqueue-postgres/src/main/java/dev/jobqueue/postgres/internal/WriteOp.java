package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One change for the {@link Writer}: executed inside the batch's transaction, its future completed
 * only after the commit. A change that fails a rule (a duplicate id) records its failure without
 * breaking the transaction, so the others in the batch commit.
 */
abstract class WriteOp<T> {
  final CompletableFuture<T> future = new CompletableFuture<>();
  private T result;
  private RuntimeException failure;

  /** Runs the change in the writer's transaction. */
  abstract T execute(Tx tx) throws SQLException;

  /**
   * Whether this change reads or writes reservations: then the reservations its transaction holds
   * must be written first ({@link Tx#writeHeldReservations}). A {@link JobChange} does not.
   */
  boolean seesReservations() {
    return true;
  }

  /** A change of given jobs (or their logs): it neither reads nor writes reservations. */
  abstract static class JobChange<T> extends WriteOp<T> {
    @Override
    final boolean seesReservations() {
      return false;
    }
  }

  final void run(Tx tx) throws SQLException {
    failure = null;
    result = null;
    try {
      T r = execute(tx);
      if (r != null) {
        result = r; // a batched change sets its result when the batch runs
      }
    } catch (DuplicateJobException | UniqueKeyConflictException e) {
      failure = e;
    }
  }

  /** The result of a change whose statement ran in a batch. */
  final void result(T value) {
    result = value;
  }

  final void complete() {
    if (failure != null) {
      future.completeExceptionally(failure);
    } else {
      future.complete(result);
    }
  }

  static final class Update extends JobChange<Boolean> {
    private final Job next;
    private final long expected;

    Update(Job next, long expected) {
      this.next = next;
      this.expected = expected;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      String id = next.id();
      if (tx.batched(id)) {
        // the overlay must know whether the earlier change of this job applied, or this one could
        // build on a version another instance wrote meanwhile
        tx.runBatch();
      }
      tx.touch(id);
      long base = tx.overlay.beginChange(id, expected, next.version());
      if (base < 0) {
        return false;
      }
      long version = next.version();
      JobStatus status = next.status();
      if (next.uniqueKey() == null
          || (next.status() != JobStatus.QUEUED && next.status() != JobStatus.RUNNING)) {
        tx.addUpdate(next, base, true, ok -> result(applied(tx, id, ok)));
        tx.afterCommit(() -> tx.overlay.committed(id, version, status));
        return null;
      }
      // a failed or cancelled job queued again takes its key back, unless another job holds it
      Savepoint sp = tx.savepoint();
      boolean[] ok = new boolean[1];
      try {
        tx.addUpdate(next, base, true, applied -> ok[0] = applied(tx, id, applied));
        tx.runBatch();
        tx.connection.releaseSavepoint(sp);
      } catch (SQLException e) {
        if (!"23505".equals(e.getSQLState())) {
          throw e;
        }
        tx.connection.rollback(sp);
        tx.overlay.conflicted(id);
        tx.afterCommit(() -> tx.overlay.forget(id));
        Job holder = InsertOp.holder(tx, next);
        throw new UniqueKeyConflictException(
            next.uniqueKey(), holder == null ? "(just finished)" : holder.id());
      }
      tx.afterCommit(() -> tx.overlay.committed(id, version, status));
      return ok[0];
    }

    /** Whether the change applied; a conflict, when not: nothing in this batch builds on it. */
    private static boolean applied(Tx tx, String id, boolean applied) {
      if (!applied) {
        tx.overlay.conflicted(id);
      }
      return applied;
    }
  }

  /** Writes a coalesced progress snapshot; a conflict only drops it. */
  static final class Flush extends JobChange<Boolean> {
    private final Overlay.Flush flush;

    Flush(Overlay.Flush flush) {
      this.flush = flush;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      String id = flush.snapshot().id();
      if (tx.batched(id)) {
        tx.runBatch();
      }
      tx.touch(id);
      if (!tx.overlay.beginFlush(flush)) {
        return false;
      }
      // joins the batch: the flushes of one pass are one statement
      tx.addUpdate(
          flush.snapshot(),
          flush.base(),
          false,
          applied -> {
            result(Update.applied(tx, id, applied));
            if (!applied) {
              tx.afterCommit(() -> tx.overlay.committed(id, Overlay.CONFLICT, JobStatus.QUEUED));
            }
          });
      return null;
    }
  }

  static final class Delete extends JobChange<Boolean> {
    private final String id;
    private final long expected;

    Delete(String id, long expected) {
      this.id = id;
      this.expected = expected;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      tx.touch(id);
      long base = tx.overlay.beginChange(id, expected, Long.MAX_VALUE);
      if (base < 0) {
        return false;
      }
      PreparedStatement ps = tx.prepare(tx.sql.delete);
      ps.setString(1, id);
      ps.setLong(2, base);
      ps.setString(3, tx.origin);
      boolean ok = ps.executeUpdate() == 1;
      tx.wroteEvents |= ok;
      tx.afterCommit(() -> tx.overlay.forget(id));
      return ok;
    }
  }

  static final class Release extends WriteOp<Integer> {
    private final String owner;
    private final List<String> ids;

    Release(String owner, List<String> ids) {
      this.owner = owner;
      this.ids = ids;
    }

    @Override
    Integer execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(tx.sql.release);
      ps.setString(1, owner);
      ps.setArray(2, tx.connection.createArrayOf("text", ids.toArray()));
      return ps.executeUpdate();
    }
  }

  /**
   * The heartbeat's one statement ({@link Sql#renew}): renews every lease and reservation of an
   * owner and answers which of the jobs it runs are lost or asked to cancel. On the writer so that
   * it never waits for (or deadlocks with) this instance's own batch; rows another instance holds
   * locked right now are skipped this beat rather than waited for (a lease spans several beats).
   */
  static final class Renew extends WriteOp<LeaseRenewal> {
    private final String owner;
    private final Collection<String> running;
    private final Instant until;

    Renew(String owner, Collection<String> running, Instant until) {
      this.owner = owner;
      this.running = running;
      this.until = until;
    }

    @Override
    LeaseRenewal execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(tx.sql.renew);
      long fromNow = PgCodec.microsFromNow(until);
      ps.setLong(1, PgCodec.nanos(until));
      PgCodec.setMicros(ps, 2, fromNow);
      ps.setString(3, owner);
      PgCodec.setMicros(ps, 4, fromNow);
      ps.setString(5, owner);
      ps.setString(6, owner);
      ps.setArray(7, tx.connection.createArrayOf("text", running.toArray()));
      int renewed = 0;
      Set<String> lost = new HashSet<>();
      Set<String> cancelRequested = new HashSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          renewed = rs.getInt(1);
          String id = rs.getString(2);
          if (id == null) {
            continue; // the one row of an answer with nothing to report
          }
          (rs.getBoolean(3) ? cancelRequested : lost).add(id);
        }
      }
      return new LeaseRenewal(renewed, lost, cancelRequested);
    }
  }

  static final class Purge extends WriteOp<List<Job>> {
    private final Instant completedBefore;
    private final int keepLast;

    Purge(Instant completedBefore, int keepLast) {
      this.completedBefore = completedBefore;
      this.keepLast = keepLast;
    }

    @Override
    List<Job> execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(tx.sql.purge);
      ps.setLong(1, PgCodec.nanos(completedBefore));
      ps.setInt(2, keepLast);
      ps.setString(3, tx.origin);
      List<Job> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(PgCodec.read(rs, 1));
        }
      }
      tx.afterCommit(() -> out.forEach(j -> tx.overlay.forget(j.id())));
      tx.wroteEvents |= !out.isEmpty();
      return out;
    }
  }
}
