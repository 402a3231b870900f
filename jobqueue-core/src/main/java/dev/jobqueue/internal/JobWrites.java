package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.internal.Transitions.Change;
import dev.jobqueue.spi.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The queue's only way to change stored jobs. Each change is a {@link Change} from {@link
 * Transitions}, written with compare-and-set on the version and its event queued in the {@link
 * EventHub} before the write (that is how events keep version order); then the change's effects
 * run.
 */
final class JobWrites {
  /** Picks the change to make to the current snapshot, or null for none. */
  @FunctionalInterface
  interface Decision {
    Change decide(Job current);
  }

  /** What follows a stored change (parents, dependents, waiting workers). */
  @FunctionalInterface
  interface Effects {
    void changed(Change change);
  }

  private final JobStore store;
  private final EventHub hub;
  private final Clock clock;
  private volatile Effects effects = c -> {};
  private static final Runnable NOTHING = () -> {};
  private volatile Function<String, Runnable> queuedChange = id -> NOTHING;

  JobWrites(JobStore store, EventHub hub, Clock clock) {
    this.store = store;
    this.hub = hub;
    this.clock = clock;
  }

  void effects(Effects effects) {
    this.effects = effects;
  }

  /**
   * Called before this queue changes or deletes a queued job, other than to start it; the returned
   * action runs once the write returned. A worker must not start a job that is being cancelled or
   * deleted, even one it reserves while the write is under way.
   */
  void aroundQueuedChange(Function<String, Runnable> hook) {
    this.queuedChange = hook;
  }

  Instant now() {
    return clock.instant();
  }

  /** The stored snapshot. */
  Job get(String id) {
    return store.get(id).orElseThrow(() -> new JobNotFoundException(id));
  }

  /**
   * Applies {@code cause} to the stored job until the compare-and-set wins, then runs the change's
   * effects. Returns the stored snapshot (unchanged when the cause changed nothing).
   *
   * @throws JobNotFoundException when the job does not exist
   * @throws dev.jobqueue.IllegalJobTransitionException when the cause does not apply
   */
  Job apply(String id, Cause cause) {
    return mutate(id, cur -> Transitions.apply(cur, cause, now()));
  }

  /** Like {@link #apply}, with the cause chosen from the current snapshot on every try. */
  Job mutate(String id, Decision decision) {
    while (true) {
      Job cur = store.get(id).orElseThrow(() -> new JobNotFoundException(id));
      Change change = decision.decide(cur);
      if (change == null) {
        return cur;
      }
      if (write(change)) {
        effects.changed(change);
        return change.next();
      }
    }
  }

  /** Stores a change (no effects); false when another change won the race. */
  boolean write(Change c) {
    Job next = c.next();
    long version = c.prev().version();
    Runnable after =
        c.prev().status() == JobStatus.QUEUED ? queuedChange.apply(next.id()) : NOTHING;
    try {
      return hub.written(
          JobEvent.Kind.UPDATED, next, c.statusChanged(), () -> store.update(next, version));
    } finally {
      after.run();
    }
  }

  /** Like {@link #write}, for a progress report that the store may coalesce. */
  boolean writeProgress(Change c) {
    Job next = c.next();
    long version = c.prev().version();
    return hub.written(
        JobEvent.Kind.UPDATED, next, false, () -> store.updateProgress(next, version));
  }

  /**
   * Stores a change without waiting for durability (the start of a reserved job is one: it does not
   * pass the {@link #aroundQueuedChange} hook); the future completes (true, or false when another
   * change won) once the change is durable and its event resolved, on the store's thread.
   */
  CompletableFuture<Boolean> writeAsync(Change c) {
    EventHub.Pending event = hub.begin(JobEvent.Kind.UPDATED, c.next(), c.statusChanged());
    CompletableFuture<Boolean> write;
    try {
      write = store.updateAsync(c.next(), c.prev().version());
    } catch (RuntimeException e) {
      write = CompletableFuture.failedFuture(e);
    }
    return write.whenComplete((ok, err) -> event.resolve(Boolean.TRUE.equals(ok)));
  }

  /** Runs the effects of a change stored by {@link #write} or {@link #writeAsync}. */
  void changed(Change c) {
    effects.changed(c);
  }

  void insert(Job job) {
    hub.written(
        JobEvent.Kind.CREATED,
        job,
        true,
        () -> {
          store.insert(job);
          return true;
        });
  }

  /** Inserts jobs in one store call; their events are resolved together. */
  void insertAll(List<Job> jobs) {
    List<EventHub.Pending> events = new java.util.ArrayList<>(jobs.size());
    for (Job j : jobs) {
      events.add(hub.begin(JobEvent.Kind.CREATED, j, true));
    }
    boolean stored = false;
    try {
      store.insertAll(jobs);
      stored = true;
    } finally {
      hub.resolveAll(events, stored);
    }
  }

  /** Deletes {@code cur} if it is still the stored version. */
  boolean delete(Job cur) {
    Runnable after = cur.status() == JobStatus.QUEUED ? queuedChange.apply(cur.id()) : NOTHING;
    try {
      return hub.written(
          JobEvent.Kind.DELETED, cur, true, () -> store.delete(cur.id(), cur.version()));
    } finally {
      after.run();
    }
  }

  /**
   * Inserts a job with a unique key unless an active job holds the key; returns the job stored or
   * the holder (no event for a job not stored).
   */
  Job insertUnique(Job job) {
    Job[] holder = {job};
    hub.written(
        JobEvent.Kind.CREATED,
        job,
        true,
        () -> {
          holder[0] = store.insertUnique(job);
          return holder[0].id().equals(job.id());
        });
    return holder[0];
  }
}
