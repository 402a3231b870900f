package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.spi.UniqueKeyConflictException;
import dev.jobqueue.sql.internal.JobRows;
import dev.jobqueue.sql.internal.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A change queued for the writer thread. {@link #execute} runs inside the writer's open transaction
 * and computes the result; the writer completes {@link #future} only after the commit (so a caller
 * never sees a change that is not durable), except results that changed nothing.
 */
abstract class WriteOp<T> {
  final CompletableFuture<T> future = new CompletableFuture<>();
  private T result;
  private RuntimeException outcome;

  /** Runs the change in the writer's transaction. Throws on database errors only. */
  abstract T execute(Tx tx) throws SQLException;

  /** How many rows this change writes, for {@code writeStats()}. */
  int changes() {
    return 1;
  }

  /** Whether {@code result} changed nothing, so the caller may have it before the commit. */
  boolean changedNothing(T result) {
    return false;
  }

  final void run(Tx tx) throws SQLException {
    outcome = null;
    try {
      result = execute(tx);
    } catch (DuplicateJobException | UniqueKeyConflictException e) {
      outcome = e; // an answer, not a failure of the batch
    }
    if (outcome == null && changedNothing(result)) {
      future.complete(result);
    }
  }

  final void completeCommitted() {
    if (outcome != null) {
      future.completeExceptionally(outcome);
    } else {
      future.complete(result);
    }
  }

  /**
   * Reserves runnable jobs: reads candidates in claim order, skips those a reservation holds and
   * those with a change in flight, and reserves the rest in memory. No row changes.
   */
  static final class Reserve extends WriteOp<List<Job>> {
    static final String SQL =
        "SELECT j.seq, j.id, j.version"
            + " FROM jobs j INDEXED BY jobs_claim"
            + " WHERE j.status = 'queued' AND j.tracked = 0"
            + " AND j.type IN (SELECT value FROM json_each(?))"
            + " AND (j.run_at IS NULL OR j.run_at <= ?)"
            + " AND NOT EXISTS (SELECT 1 FROM job_deps d JOIN jobs x ON x.id = d.dep_id"
            + "   WHERE d.job_id = j.id AND x.status <> 'completed')"
            + " ORDER BY j.priority DESC, j.seq LIMIT ?";

    private final ClaimRequest request;

    Reserve(ClaimRequest request) {
      this.request = request;
    }

    @Override
    List<Job> execute(Tx tx) throws SQLException {
      if (request.types().isEmpty()) {
        return List.of();
      }
      Reservations reservations = tx.overlay.reservations;
      PreparedStatement ps = tx.prepare(SQL);
      ps.setString(1, Json.write(request.types()));
      ps.setLong(2, JobRows.nanos(request.now()));
      // reserved jobs head the order; read past them (they are few: the queues' batches)
      ps.setLong(3, (long) request.max() + reservations.size());
      Map<Long, Job> candidates = new LinkedHashMap<>();
      tx.snapshots.readAll(ps, tx, candidates);
      List<Job> out = new ArrayList<>(Math.min(request.max(), candidates.size()));
      for (Job row : candidates.values()) {
        Job base = tx.overlay.newest(row);
        long known = tx.overlay.knownVersion(row.id(), row.version());
        if (base.version() != known || reservations.held(row.id(), known, request.now())) {
          continue; // a change in flight, or reserved: not runnable for this reservation
        }
        reservations.take(base, request.owner(), request.leaseUntil());
        tx.reserved(row.id());
        out.add(base);
        if (out.size() == request.max()) {
          break;
        }
      }
      return out;
    }

    @Override
    int changes() {
      return 0;
    }

    @Override
    boolean changedNothing(List<Job> result) {
      return result.isEmpty();
    }
  }

  static final class Update extends WriteOp<Boolean> {
    private final Job next;
    private final long expected;

    Update(Job next, long expected) {
      this.next = next;
      this.expected = expected;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      if (next.version() <= expected) {
        return false;
      }
      UniqueKeys.throwIfHeld(tx, next); // a job queued again: before the overlay changes
      Overlay.Entry known = tx.overlay.entry(next.id());
      if (known != null && known.version() != Overlay.GONE) {
        // The overlay knows the version (running jobs keep an entry): decide there and write
        // without reading the row first. The entry exists only while the row does.
        if (known.version() != expected) {
          return false;
        }
        tx.touch(next.id());
        if (!tx.overlay.compareAndChange(next.id(), known.version(), expected, next.version())) {
          return false;
        }
        if (!tx.writeHot(next)) {
          // a rarely changing column differs: the wide statement, which needs the row's head
          Tx.RowHead head = tx.head(next.id());
          if (head == null) {
            tx.overlay.restore(next.id(), known);
            return false;
          }
          tx.write(head, next);
        }
        tx.afterCommit(next.id(), next.version(), next.status());
        return true;
      }
      if (known == null && startsReserved(tx)) {
        return true;
      }
      Tx.RowHead head = tx.head(next.id());
      if (head == null) {
        return false;
      }
      tx.touch(next.id());
      if (!tx.overlay.compareAndChange(next.id(), head.version(), expected, next.version())) {
        return false;
      }
      tx.write(head, next);
      tx.afterCommit(next.id(), next.version(), next.status());
      return true;
    }

    /**
     * A queue starting a job it reserved: one narrow statement, guarded by the version, instead of
     * reading the row's head and rewriting every column. False when this is not such a start or the
     * row moved on (then the general path decides).
     */
    private boolean startsReserved(Tx tx) throws SQLException {
      if (next.status() != JobStatus.RUNNING) {
        return false;
      }
      Job reserved = tx.overlay.reservations.snapshot(next.id(), expected);
      if (reserved == null
          || reserved.status() != JobStatus.QUEUED
          || !next.equals(JobCodec.started(reserved, next))) {
        return false;
      }
      tx.touch(next.id());
      Overlay.Entry before = tx.overlay.entry(next.id());
      if (!tx.overlay.compareAndChange(next.id(), expected, expected, next.version())) {
        return false;
      }
      PreparedStatement ps = tx.prepare(JobCodec.START);
      JobCodec.bindStart(ps, next, expected);
      if (ps.executeUpdate() != 1) {
        tx.overlay.restore(next.id(), before);
        return false;
      }
      tx.remember(next);
      tx.afterCommit(next.id(), next.version(), next.status());
      return true;
    }
  }

  static final class Delete extends WriteOp<Boolean> {
    private final String id;
    private final long expected;

    Delete(String id, long expected) {
      this.id = id;
      this.expected = expected;
    }

    @Override
    Boolean execute(Tx tx) throws SQLException {
      Tx.RowHead head = tx.head(id);
      if (head == null) {
        return false;
      }
      tx.touch(id);
      if (!tx.overlay.compareAndChange(id, head.version(), expected, Overlay.GONE)) {
        return false;
      }
      PreparedStatement ps = tx.prepare("DELETE FROM jobs WHERE seq = ?");
      ps.setLong(1, head.seq());
      ps.executeUpdate();
      tx.snapshots.remove(id);
      tx.afterCommitDeleted(id);
      return true;
    }
  }

  /** Renews the owner's leases and answers which of the jobs it runs are lost or cancelled. */
  static final class RenewLeases extends WriteOp<LeaseRenewal> {
    static final String STATES =
        "SELECT id, status = 'running' AND owner = ?, cancel_requested FROM jobs"
            + " WHERE id IN (SELECT value FROM json_each(?))";

    private final String owner;
    private final Collection<String> running;
    private final Instant until;

    RenewLeases(String owner, Collection<String> running, Instant until) {
      this.owner = owner;
      this.running = running;
      this.until = until;
    }

    @Override
    LeaseRenewal execute(Tx tx) throws SQLException {
      PreparedStatement ps =
          tx.prepare("UPDATE jobs SET lease_expires_at = ? WHERE status = 'running' AND owner = ?");
      ps.setLong(1, JobRows.nanos(until));
      ps.setString(2, owner);
      int n = ps.executeUpdate();
      if (n > 0) {
        tx.overlay.renewLeases(owner, until);
      }
      if (running.isEmpty()) {
        return new LeaseRenewal(n, Set.of(), Set.of());
      }
      Set<String> lost = new HashSet<>(running); // until found running here
      Set<String> cancelRequested = new HashSet<>();
      PreparedStatement states = tx.prepare(STATES);
      states.setString(1, owner);
      states.setString(2, Json.write(running));
      try (ResultSet rs = states.executeQuery()) {
        while (rs.next()) {
          if (rs.getBoolean(2)) {
            lost.remove(rs.getString(1));
            if (rs.getBoolean(3)) {
              cancelRequested.add(rs.getString(1));
            }
          }
        }
      }
      return new LeaseRenewal(n, lost, cancelRequested);
    }

    @Override
    boolean changedNothing(LeaseRenewal result) {
      return result.renewed() == 0 && result.lost().isEmpty() && result.cancelRequested().isEmpty();
    }
  }

  static final class Purge extends WriteOp<List<Job>> {
    /**
     * Word for word the condition of the partial index jobs_finished (schema V3), so it can be
     * used.
     */
    static final String TERMINAL =
        "(status = 'completed' OR status = 'failed' OR status = 'cancelled')";

    static final String FINISHED = "coalesce(completed_at, updated_at)";
    // INDEXED BY: without statistics SQLite prefers jobs_status and would read every finished job
    static final String OLDER =
        "SELECT seq, id, version FROM jobs INDEXED BY jobs_finished"
            + " WHERE "
            + TERMINAL
            + " AND "
            + FINISHED
            + " < ?";
    static final String BEYOND =
        "SELECT seq, id, version FROM jobs INDEXED BY jobs_finished"
            + " WHERE "
            + TERMINAL
            + " ORDER BY "
            + FINISHED
            + " DESC, seq DESC LIMIT -1 OFFSET ?";

    /** Every doomed row in one statement: seqs as a JSON array. */
    static final String DELETE = "DELETE FROM jobs WHERE seq IN (SELECT value FROM json_each(?))";

    private final Instant completedBefore;
    private final int keepLast;

    Purge(Instant completedBefore, int keepLast) {
      this.completedBefore = completedBefore;
      this.keepLast = keepLast;
    }

    @Override
    List<Job> execute(Tx tx) throws SQLException {
      Map<Long, Job> doomed = new LinkedHashMap<>();
      PreparedStatement beyond = tx.prepare(BEYOND);
      beyond.setInt(1, Math.max(0, keepLast));
      tx.snapshots.readAll(beyond, tx, doomed);
      if (keepLast > 0) { // with none to keep, every finished job is beyond already
        PreparedStatement older = tx.prepare(OLDER);
        older.setLong(1, JobRows.nanos(completedBefore));
        tx.snapshots.readAll(older, tx, doomed);
      }
      if (doomed.isEmpty()) {
        return List.of();
      }
      List<Job> out = new ArrayList<>(doomed.size());
      StringBuilder seqs = new StringBuilder("[");
      for (Map.Entry<Long, Job> e : doomed.entrySet()) {
        Job job = e.getValue();
        tx.touch(job.id());
        seqs.append(seqs.length() > 1 ? "," : "").append(e.getKey());
        tx.snapshots.remove(job.id());
        tx.afterCommitDeleted(job.id());
        out.add(tx.overlay.newest(job));
      }
      PreparedStatement del = tx.prepare(DELETE);
      del.setString(1, seqs.append(']').toString());
      del.executeUpdate();
      return out;
    }

    @Override
    boolean changedNothing(List<Job> result) {
      return result.isEmpty();
    }
  }

  /** Writes a coalesced progress snapshot; not a caller's op, so nothing waits on it. */
  static void flush(Tx tx, Overlay.Flush f) throws SQLException {
    Tx.RowHead head = tx.head(f.id());
    if (head == null || head.version() >= f.snapshot().version()) {
      return; // deleted, or superseded by a change in this batch
    }
    tx.write(head, f.snapshot());
    tx.afterCommitFlushed(f);
  }
}
