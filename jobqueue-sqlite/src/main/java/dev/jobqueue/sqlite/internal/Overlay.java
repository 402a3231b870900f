package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * What the store knows about a job beyond its committed row: the version of a change the writer has
 * executed but not yet committed, and the latest progress snapshot accepted by {@code
 * updateProgress} but not yet flushed (coalesced progress).
 *
 * <p>Every compare-and-set (the writer's and {@code updateProgress}'s) decides under {@link
 * ConcurrentHashMap#compute} on the job's key, so a progress update and a status change racing on
 * one job can never both win. An absent entry means the committed row is the truth: the writer
 * creates an entry before it changes a row and drops it only after the commit.
 *
 * <p>Entries of running jobs are kept after their commit (a cheap version cache for the progress
 * calls that follow); entries of other jobs are dropped, so the map is bounded by running jobs.
 */
final class Overlay {
  /** Version of a job deleted by a change that is not committed yet. */
  static final long GONE = -1;

  /**
   * @param version the version the store knows (committed, in flight or pending progress)
   * @param pending the latest progress snapshot, or null; kept (not dirty) after it was flushed or
   *     superseded until the superseding change commits, so readers never see progress go back
   * @param dirty the pending snapshot still has to be written
   * @param dirtySince nanoTime when it became dirty, to coalesce writes
   */
  record Entry(long version, Job pending, boolean dirty, long dirtySince) {}

  /** A dirty snapshot handed to the writer to flush. */
  record Flush(String id, Job snapshot) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  /** Reservations end with the commit of a change, which the overlay hears of. */
  final Reservations reservations = new Reservations();

  /**
   * The entry of {@code id}, or null; the writer saves it before a change to restore on rollback.
   */
  Entry entry(String id) {
    return entries.get(id);
  }

  /** Puts back an entry saved by {@link #entry} (null removes it), after a rollback. */
  void restore(String id, Entry saved) {
    if (saved == null) {
      entries.remove(id);
    } else {
      entries.put(id, saved);
    }
  }

  /** The pending snapshot of {@code id}, or null. Read it before the row (see {@link #merge}). */
  Job pending(String id) {
    Entry e = entries.get(id);
    return e == null ? null : e.pending();
  }

  /** Pending snapshots of all jobs, for queries; taken before the rows are read. */
  Map<String, Job> pendingSnapshot() {
    if (entries.isEmpty()) {
      return Map.of();
    }
    Map<String, Job> out = new HashMap<>();
    entries.forEach(
        (id, e) -> {
          if (e.pending() != null) {
            out.put(id, e.pending());
          }
        });
    return out;
  }

  /** The newer of a committed row and a pending snapshot read before it. */
  static Job merge(Job row, Job pending) {
    return row != null && pending != null && pending.version() > row.version() ? pending : row;
  }

  /**
   * {@code updateProgress}: accepts {@code next} when the version the store knows equals {@code
   * expected}. {@code committedVersion} reads the committed row's version (or -1 when missing) and
   * is called only when no entry exists, under the key's lock.
   */
  boolean acceptProgress(Job next, long expected, ToLongFunction<String> committedVersion) {
    boolean[] accepted = new boolean[1];
    entries.compute(
        next.id(),
        (id, e) -> {
          long known = e != null ? e.version() : committedVersion.applyAsLong(id);
          if (known != expected || known == GONE || next.version() <= expected) {
            return e;
          }
          accepted[0] = true;
          long since = e != null && e.dirty() ? e.dirtySince() : System.nanoTime();
          return new Entry(next.version(), next, true, since);
        });
    return accepted[0];
  }

  /** The version the writer must compare with: the entry's, else the row's. Writer thread only. */
  long knownVersion(String id, long rowVersion) {
    Entry e = entries.get(id);
    return e != null ? e.version() : rowVersion;
  }

  /**
   * The newest snapshot of {@code id} for the writer to build on: pending if newer than the row.
   */
  Job newest(Job row) {
    return merge(row, pending(row.id()));
  }

  /**
   * Runs in the writer's own compare step: true and the entry updated when {@code expected} matches
   * the known version, else false. Writer thread only, so the check and the change it guards are
   * atomic against progress calls.
   */
  boolean compareAndChange(String id, long rowVersion, long expected, long newVersion) {
    boolean[] ok = new boolean[1];
    entries.compute(
        id,
        (k, e) -> {
          long known = e != null ? e.version() : rowVersion;
          if (known != expected) {
            return e;
          }
          ok[0] = true;
          return new Entry(newVersion, e == null ? null : e.pending(), false, 0);
        });
    return ok[0];
  }

  /** After the commit: drop what the row now holds, keep the version of running jobs. */
  void committed(String id, long version, JobStatus status) {
    reservations.ended(id, version);
    entries.computeIfPresent(
        id,
        (k, e) -> {
          if (e.version() != version) {
            return e; // a newer progress snapshot arrived on top of this change
          }
          return status == JobStatus.RUNNING ? new Entry(version, null, false, 0) : null;
        });
  }

  /** After deletes committed (purge): nothing is left to know about these jobs. */
  void forget(Iterable<String> ids) {
    reservations.forget(ids);
    for (String id : ids) {
      entries.remove(id);
    }
  }

  /** Dirty snapshots that waited at least {@code minAgeNanos} (all of them with 0). */
  List<Flush> due(long minAgeNanos) {
    List<Flush> out = new ArrayList<>();
    if (entries.isEmpty()) {
      return out;
    }
    long now = System.nanoTime();
    entries.forEach(
        (id, e) -> {
          if (e.dirty() && now - e.dirtySince() >= minAgeNanos) {
            out.add(new Flush(id, e.pending()));
          }
        });
    return out;
  }

  /** Whether any snapshot waits to be written. */
  boolean anyDirty() {
    for (Entry e : entries.values()) {
      if (e.dirty()) {
        return true;
      }
    }
    return false;
  }

  /** After a flush committed: the snapshot is in the row; keep it visible until superseded. */
  void flushed(Flush f) {
    entries.computeIfPresent(
        f.id(),
        (k, e) -> e.pending() == f.snapshot() ? new Entry(e.version(), e.pending(), false, 0) : e);
  }

  /** Renewed leases must show in pending snapshots too, or a flush would undo the renewal. */
  void renewLeases(String owner, Instant until) {
    entries.replaceAll(
        (id, e) -> {
          Job p = e.pending();
          if (p != null && p.status() == JobStatus.RUNNING && owner.equals(p.owner())) {
            return new Entry(
                e.version(),
                p.toBuilder().leaseExpiresAt(until).build(),
                e.dirty(),
                e.dirtySince());
          }
          return e;
        });
  }

  int size() {
    return entries.size();
  }
}
