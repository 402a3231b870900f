package dev.jobqueue.sqlite.internal;

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
  private record Reservation(String owner, Instant until, long version) {}

  private final ConcurrentHashMap<String, Reservation> held = new ConcurrentHashMap<>();

  /** Whether a reservation holds on {@code id} at {@code version}. */
  boolean held(String id, long version, Instant now) {
    Reservation r = held.get(id);
    return r != null && r.version() == version && !r.until().isBefore(now);
  }

  /** Writer thread only, after {@link #held} said no. */
  void take(String id, long version, String owner, Instant until) {
    held.put(id, new Reservation(owner, until, version));
  }

  void release(String owner, Collection<String> ids) {
    for (String id : ids) {
      held.computeIfPresent(id, (k, r) -> owner.equals(r.owner()) ? null : r);
    }
  }

  void renew(String owner, Instant until) {
    held.replaceAll(
        (id, r) -> owner.equals(r.owner()) ? new Reservation(owner, until, r.version()) : r);
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
