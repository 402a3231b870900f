package dev.jobqueue.postgres.internal;

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
 * What this instance knows about a job beyond its committed row: the version of a change the writer
 * has executed but not committed yet, and the latest progress accepted by {@code updateProgress}
 * but not written yet (coalesced progress).
 *
 * <p>Unlike the SQLite store's overlay, an entry also keeps the <em>base</em>: the version the row
 * must hold for the next write of this instance to apply. Another instance may change the row
 * meanwhile (a cancel asked through it, a rescue); the base then no longer matches, the write fails
 * as a version conflict and the entry is dropped, so this instance never writes over a change it
 * has not seen, and never serves a pending snapshot built on a row that moved on.
 *
 * <p>Every decision on one job runs under {@link ConcurrentHashMap#compute} on its key, so a
 * progress report and a status change racing on one job can never both win.
 */
final class Overlay {
  /** No change may build on this entry until the writer's batch ends (its write failed). */
  static final long CONFLICT = Long.MIN_VALUE;

  /**
   * @param version the newest version this instance knows (pending progress or in flight)
   * @param base the version the row holds (or will hold once the batch commits) under it
   * @param pending the latest progress snapshot, or null
   * @param dirty the pending snapshot still has to be written
   * @param dirtySince nanoTime when it became dirty, to coalesce writes
   */
  record Entry(long version, long base, Job pending, boolean dirty, long dirtySince) {}

  /** A dirty snapshot to write, with the version the row must hold. */
  record Flush(Job snapshot, long base) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  Entry entry(String id) {
    return entries.get(id);
  }

  /** Puts back an entry saved before a batch (null removes it), after a rollback. */
  void restore(String id, Entry saved) {
    if (saved == null) {
      entries.remove(id);
    } else {
      entries.put(id, saved);
    }
  }

  /** The pending snapshot of {@code id} if it builds on a row of version {@code rowVersion}. */
  Job merge(Job row) {
    if (row == null) {
      return null;
    }
    Entry e = entries.get(row.id());
    if (e == null || e.pending() == null || e.base() != row.version()) {
      return row;
    }
    return e.pending().version() > row.version() ? e.pending() : row;
  }

  /**
   * {@code updateProgress}: accepts {@code next} when the version this instance knows equals {@code
   * expected}; {@code committedVersion} reads the row's version (-1 when missing) and is called
   * only when there is no entry, under the key's lock.
   */
  boolean acceptProgress(Job next, long expected, ToLongFunction<String> committedVersion) {
    boolean[] accepted = new boolean[1];
    entries.compute(
        next.id(),
        (id, e) -> {
          long known = e != null ? e.version() : committedVersion.applyAsLong(id);
          if (known != expected || known < 0 || next.version() <= expected) {
            return e;
          }
          accepted[0] = true;
          long base = e != null ? e.base() : known;
          long since = e != null && e.dirty() ? e.dirtySince() : System.nanoTime();
          return new Entry(next.version(), base, next, true, since);
        });
    return accepted[0];
  }

  /**
   * The writer's compare step for a change of {@code id} from {@code expected} to {@code
   * newVersion}: returns the version the row must hold for the SQL compare-and-set, or -1 when the
   * change conflicts with what this instance knows. A pending progress snapshot is superseded.
   */
  long beginChange(String id, long expected, long newVersion) {
    long[] base = {-1};
    entries.compute(
        id,
        (k, e) -> {
          if (e == null) {
            base[0] = expected;
            return new Entry(newVersion, newVersion, null, false, 0);
          }
          if (e.version() != expected) {
            return e;
          }
          base[0] = e.base();
          return new Entry(newVersion, newVersion, null, false, 0);
        });
    return base[0];
  }

  /** The change begun by {@link #beginChange} matched no row: nothing may build on it. */
  void conflicted(String id) {
    entries.put(id, new Entry(CONFLICT, CONFLICT, null, false, 0));
  }

  /**
   * After the batch committed: entries of running jobs stay as a cache of the version (progress
   * calls follow); others and conflicts go, the row is the truth again.
   */
  void committed(String id, long version, JobStatus status) {
    entries.computeIfPresent(
        id,
        (k, e) -> {
          if (e.version() == CONFLICT) {
            return null;
          }
          if (e.version() != version) {
            return e; // progress arrived on top of this change
          }
          return status == JobStatus.RUNNING ? new Entry(version, version, null, false, 0) : null;
        });
  }

  /** The row was deleted, or changed by someone else: forget what this instance knew. */
  void forget(String id) {
    entries.remove(id);
  }

  /** Dirty snapshots that waited at least {@code minAgeNanos} (all of them with 0). */
  List<Flush> due(long minAgeNanos) {
    List<Flush> out = new ArrayList<>();
    long now = System.nanoTime();
    entries.forEach(
        (id, e) -> {
          if (e.dirty() && now - e.dirtySince() >= minAgeNanos) {
            out.add(new Flush(e.pending(), e.base()));
          }
        });
    return out;
  }

  /**
   * The writer takes a flush: until it commits, the entry's base is the flushed version (the row in
   * the writer's transaction holds it).
   */
  boolean beginFlush(Flush f) {
    boolean[] ok = new boolean[1];
    entries.computeIfPresent(
        f.snapshot().id(),
        (k, e) -> {
          if (e.base() != f.base() || e.pending() == null) {
            return e;
          }
          ok[0] = true;
          boolean stillDirty = e.pending() != f.snapshot();
          return new Entry(
              e.version(), f.snapshot().version(), e.pending(), stillDirty, e.dirtySince());
        });
    return ok[0];
  }

  /** Renewed leases must show in pending snapshots too, or a flush would undo the renewal. */
  void renewLeases(String owner, Instant until) {
    entries.replaceAll(
        (id, e) -> {
          Job p = e.pending();
          if (p != null && p.status() == JobStatus.RUNNING && owner.equals(p.owner())) {
            return new Entry(
                e.version(),
                e.base(),
                p.toBuilder().leaseExpiresAt(until).build(),
                e.dirty(),
                e.dirtySince());
          }
          return e;
        });
  }

  Map<String, Entry> snapshot() {
    return new HashMap<>(entries);
  }

  boolean anyDirty() {
    for (Entry e : entries.values()) {
      if (e.dirty()) {
        return true;
      }
    }
    return false;
  }
}
