package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.Subscription;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Numbers released events, hands each to every listener's buffer and completes the waiters of
 * finished jobs. {@link #release} is called by one thread at a time ({@link OrderedRelease}'s
 * drainer), in each job's version order, so numbering needs no lock and sequence order is version
 * order.
 *
 * <p>With a store whose change feed delivers every change ({@code storeOrdered}), listeners get the
 * feed's events only ({@link #releaseStored}, numbered by the store, in its order, which every
 * instance shares); the queue's own writes then only complete waiters, at once, rather than when
 * the feed brings them back.
 */
final class EventFanOut implements OrderedRelease.Sink {
  private final CopyOnWriteArrayList<ListenerSubscription> subscriptions =
      new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, CompletableFuture<Job>> waiters =
      new ConcurrentHashMap<>();
  private final AtomicInteger listenerThreads = new AtomicInteger();
  private final int bufferSize;

  /** Completes waiters' futures, so their callbacks never run on a worker or a store's writer. */
  private final Executor completions;

  /** Listeners get the store's events only ({@link #releaseStored}), not the queue's writes. */
  private final boolean storeOrdered;

  /** Written by the releasing thread only; volatile so that {@link #lastSequence()} reads it. */
  private volatile long sequence;

  /**
   * @param firstSequence the sequence before the first event
   */
  EventFanOut(int bufferSize, long firstSequence, Executor completions) {
    this(bufferSize, firstSequence, completions, false);
  }

  EventFanOut(int bufferSize, long firstSequence, Executor completions, boolean storeOrdered) {
    this.bufferSize = bufferSize;
    this.completions = completions;
    this.sequence = firstSequence;
    this.storeOrdered = storeOrdered;
  }

  /**
   * One thread at a time: numbers the event and buffers it for every listener; when the store
   * orders the events, only completes a waiter (the feed brings the event).
   */
  @Override
  public void release(JobEvent.Kind kind, Job job, boolean statusChanged) {
    if (!storeOrdered) {
      long seq = sequence + 1;
      sequence = seq;
      offer(new JobEvent(kind, job, seq, statusChanged));
    }
    completeWaiter(kind, job);
  }

  /** An event of a feed that delivers every change, with the store's id, in the store's order. */
  synchronized void releaseStored(JobEvent.Kind kind, Job job, boolean statusChanged, long id) {
    sequence = id;
    offer(new JobEvent(kind, job, id, statusChanged));
    completeWaiter(kind, job);
  }

  private void offer(JobEvent e) {
    for (ListenerSubscription s : subscriptions) {
      s.offer(e); // single producer: the subscription's queue relies on one offering thread
    }
  }

  private void completeWaiter(JobEvent.Kind kind, Job job) {
    if (kind != JobEvent.Kind.DELETED && job.isTerminal() && !waiters.isEmpty()) {
      CompletableFuture<Job> f = waiters.remove(job.id());
      if (f != null) {
        // A callback that submits a job would wait for the store's writer, which may be this
        // very thread: complete the future elsewhere.
        try {
          completions.execute(() -> f.complete(job));
        } catch (RejectedExecutionException closing) {
          f.complete(job);
        }
      }
    }
  }

  long lastSequence() {
    return sequence;
  }

  Subscription subscribe(JobListener listener) {
    ListenerSubscription[] self = new ListenerSubscription[1];
    self[0] =
        new ListenerSubscription(
            listener,
            bufferSize,
            "jobqueue-listener-" + listenerThreads.incrementAndGet(),
            () -> subscriptions.remove(self[0]));
    subscriptions.add(self[0]);
    self[0].start();
    return self[0];
  }

  /** The future of a job's end; the caller checks the current state after registering. */
  CompletableFuture<Job> waiter(String jobId) {
    return waiters.computeIfAbsent(jobId, k -> new CompletableFuture<>());
  }

  void removeWaiter(String jobId, CompletableFuture<Job> f) {
    waiters.remove(jobId, f);
  }

  void failWaiters(RuntimeException e) {
    for (Map.Entry<String, CompletableFuture<Job>> w : waiters.entrySet()) {
      w.getValue().completeExceptionally(e);
    }
    waiters.clear();
  }

  /** Delivers what each listener has buffered (up to {@code timeoutMillis} each), then stops it. */
  void closeListeners(long timeoutMillis) {
    for (ListenerSubscription s : subscriptions) {
      try {
        s.drainAndStop(timeoutMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.close();
      }
    }
    subscriptions.clear();
  }
}
