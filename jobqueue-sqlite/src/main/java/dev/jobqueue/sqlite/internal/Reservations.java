package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reservations of queued jobs, in memory: the store belongs to one process, so a crash ends them
 * with it, and keeping them out of the rows saves a write per job. Each is tied to the version it
 * was made on; the writer takes them (under its transaction, so two reservations cannot race) and
 * drops them once a change of the job commits.
 */
final class Reservations {
  /** {@code job}: the reserved snapshot, so that starting it needs no read of the row. */
  private record Reservation(String owner, Instant until, Job job) {
    long version() {
      return job.version();
    }
  }

  private final ConcurrentHashMap<String, Reservation> held = new ConcurrentHashMap<>();

  /** Whether a reservation holds on {@code id} at {@code version}. */
  boolean held(String id, long version, Instant now) {
    Reservation r = held.get(id);
    return r != null && r.version() == version && !r.until().isBefore(now);
  }

  /** Writer thread only, after {@link #held} said no. */
  void take(Job job, String owner, Instant until) {
    held.put(job.id(), new Reservation(owner, until, job));
  }

  /** The snapshot reserved at {@code version} (by anyone, lapsed or not), or null. */
  Job snapshot(String id, long version) {
    Reservation r = held.get(id);
    return r != null && r.version() == version ? r.job() : null;
  }

  void release(String owner, Collection<String> ids) {
    for (String id : ids) {
      held.computeIfPresent(id, (k, r) -> owner.equals(r.owner()) ? null : r);
    }
  }

  void renew(String owner, Instant until) {
    held.replaceAll(
        (id, r) -> owner.equals(r.owner()) ? new Reservation(owner, until, r.job()) : r);
  }

  /** A change of {@code id} to {@code version} committed: a reservation of an older one ended. */
  void ended(String id, long version) {
    if (!held.isEmpty()) {
      held.computeIfPresent(id, (k, r) -> r.version() < version ? null : r);
    }
  }

  /** After deletes: nothing is left to reserve. */
  void forget(Iterable<String> ids) {
    for (String id : ids) {
      held.remove(id);
    }
  }

  int size() {
    return held.size();
  }
}
