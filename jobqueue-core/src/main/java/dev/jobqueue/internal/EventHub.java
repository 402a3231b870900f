package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.Subscription;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Turns stored changes into events: {@link OrderedRelease} lets each job's events leave in version
 * order, {@link EventFanOut} numbers them, hands them to every listener's buffer and completes
 * waiters of finished jobs.
 *
 * <p>A writer queues its event <em>before</em> it writes ({@link #begin}) and marks it stored or
 * abandoned after ({@link Pending#resolve}); see {@link OrderedRelease} for why that makes queue
 * order version order. An earlier version of the hub kept each job's last released version in a map
 * under one lock; on 2 cores the lock and the cache misses of that large map cost more than the
 * events themselves.
 */
final class EventHub {
  /** A queued event whose write may still be in flight. */
  static final class Pending extends PendingEvent {
    private Pending(OrderedRelease queue, JobEvent.Kind kind, Job job, boolean statusChanged) {
      super(queue, kind, job, statusChanged);
    }
  }

  private final EventFanOut fanOut;
  private final OrderedRelease queue;

  /**
   * @param firstSequence the sequence before the first event; the queue passes epoch millis × 1000,
   *     so sequences keep increasing across restarts and an SSE client's Last-Event-ID from an
   *     earlier run can never name an event of this one
   */
  EventHub(int bufferSize, long firstSequence, Executor completions) {
    this(bufferSize, firstSequence, completions, false);
  }

  /**
   * @param storeOrdered the store's change feed delivers every change: listeners get those events
   *     ({@link #publishFromStore}) and the queue's own writes only complete waiters
   */
  EventHub(int bufferSize, long firstSequence, Executor completions, boolean storeOrdered) {
    this.fanOut = new EventFanOut(bufferSize, firstSequence, completions, storeOrdered);
    this.queue = new OrderedRelease(fanOut);
  }

  /** Queues the event of a write about to be made; resolve it when the write returns. */
  Pending begin(JobEvent.Kind kind, Job next, boolean statusChanged) {
    return queue.enqueue(new Pending(queue, kind, next, statusChanged));
  }

  /** Resolves the events of one batch write, then releases them in one pass, not one per event. */
  void resolveAll(List<Pending> batch, boolean stored) {
    queue.resolveAll(batch, stored);
  }

  /**
   * Makes one write with its event queued first; the event is released if the write returns true
   * and dropped if it returns false or throws.
   */
  boolean written(JobEvent.Kind kind, Job job, boolean statusChanged, BooleanSupplier write) {
    Pending p = begin(kind, job, statusChanged);
    boolean stored = false;
    try {
      stored = write.getAsBoolean();
      return stored;
    } finally {
      p.resolve(stored);
    }
  }

  /**
   * Publishes an event of a change feed that delivers every change (see {@link EventFanOut}): not
   * through the queue of pending writes, whose order is this instance's, but in the feed's order,
   * which every instance shares.
   */
  void publishFromStore(JobEvent.Kind kind, Job job, boolean statusChanged, long id) {
    fanOut.releaseStored(kind, job, statusChanged, id);
  }

  /** Publishes a change already stored that no other event of its job can race (retention). */
  void publishStored(JobEvent.Kind kind, Job job) {
    begin(kind, job, true).resolve(true);
  }

  /** Waits until every event queued so far has left, or {@code timeoutMillis} passed. */
  void flush(long timeoutMillis) {
    queue.flush(timeoutMillis);
  }

  long lastSequence() {
    return fanOut.lastSequence();
  }

  Subscription subscribe(JobListener listener) {
    return fanOut.subscribe(listener);
  }

  /** The future of a job's end; the caller checks the current state after registering. */
  CompletableFuture<Job> waiter(String jobId) {
    return fanOut.waiter(jobId);
  }

  void removeWaiter(String jobId, CompletableFuture<Job> f) {
    fanOut.removeWaiter(jobId, f);
  }

  /** Fails the futures still waiting, after the events already stored had their chance. */
  void failWaiters(RuntimeException e) {
    queue.flush(5_000);
    fanOut.failWaiters(e);
  }

  void closeListeners(long timeoutMillis) {
    queue.flush(timeoutMillis);
    fanOut.closeListeners(timeoutMillis);
  }
}
