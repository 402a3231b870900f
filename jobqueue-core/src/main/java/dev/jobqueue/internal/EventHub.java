package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.Subscription;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored changes into events: numbers them, hands them to every listener's buffer and
 * completes waiters of finished jobs.
 *
 * <p>Two threads may store versions n and n+1 of one job and publish them in the opposite order
 * (a worker's claim racing a cancel, say). The hub therefore releases each job's events in version
 * order, holding an early one back until its predecessor arrives, and assigns sequence numbers in
 * release order under one lock, so every listener sees increasing sequences and each job's
 * changes in order. Every stored change is published exactly once, so a held event is always
 * released; as a safety valve a job with more than {@link #MAX_HELD} held events is released as
 * is.
 */
final class EventHub {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final int MAX_HELD = 64;

  private final Object lock = new Object();
  /** Last released version per job; guarded by {@link #lock}. */
  private final HashMap<String, Long> released = new HashMap<>();
  /** Events waiting for an earlier version of the same job; guarded by {@link #lock}. */
  private final HashMap<String, TreeMap<Long, JobEvent>> held = new HashMap<>();
  /** Deletions waiting for the deleted snapshot's own event; guarded by {@link #lock}. */
  private final HashMap<String, JobEvent> heldDeletes = new HashMap<>();
  private final CopyOnWriteArrayList<ListenerSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, CompletableFuture<Job>> waiters = new ConcurrentHashMap<>();
  private final AtomicInteger listenerThreads = new AtomicInteger();
  private final int bufferSize;
  private long sequence;

  /**
   * @param firstSequence the sequence before the first event; the queue passes epoch millis ×
   *     1000, so sequences keep increasing across restarts and an SSE client's Last-Event-ID from
   *     an earlier run can never name an event of this one
   */
  EventHub(int bufferSize, long firstSequence) {
    this.bufferSize = bufferSize;
    this.sequence = firstSequence;
  }

  /**
   * Announces a job about to be inserted, so that a worker's claim event (version 2) that beats
   * the creator's event (version 1) waits for it instead of being released first.
   */
  void expect(String jobId) {
    synchronized (lock) {
      released.put(jobId, 0L);
    }
  }

  void publish(JobEvent.Kind kind, Job job, boolean statusChanged) {
    JobEvent event = new JobEvent(kind, job, 0, statusChanged);
    synchronized (lock) {
      String id = job.id();
      Long last = released.get(id);
      long v = job.version();
      if (kind == JobEvent.Kind.DELETED) {
        if (last != null && last < v) {
          heldDeletes.put(id, event); // the deleted version's own event is still on its way
          return;
        }
        releaseDelete(id, event);
        return;
      }
      if (last != null && v <= last) {
        log.debug("ignoring stale event of job {} version {} (released {})", id, v, last);
        return;
      }
      if (last != null && v > last + 1) {
        TreeMap<Long, JobEvent> waiting = held.computeIfAbsent(id, k -> new TreeMap<>());
        waiting.put(v, event);
        if (waiting.size() <= MAX_HELD) {
          return;
        }
        log.warn("job {}: versions after {} never arrived; releasing {} held events", id, last,
            waiting.size());
        held.remove(id);
        for (JobEvent e : waiting.values()) {
          release(e);
        }
        released.put(id, waiting.lastKey());
        return;
      }
      release(event);
      released.put(id, v);
      TreeMap<Long, JobEvent> waiting = held.get(id);
      if (waiting != null) {
        for (JobEvent next; (next = waiting.remove(v + 1)) != null; v++) {
          release(next);
          released.put(id, v + 1);
        }
        if (waiting.isEmpty()) {
          held.remove(id);
        }
      }
      JobEvent delete = heldDeletes.get(id);
      if (delete != null && delete.job().version() <= v) {
        releaseDelete(id, delete);
      }
    }
  }

  /** Called under {@link #lock}: after a deletion no event of the job can follow. */
  private void releaseDelete(String id, JobEvent delete) {
    released.remove(id);
    held.remove(id);
    heldDeletes.remove(id);
    release(delete);
  }

  /** Called under {@link #lock}: numbers the event and buffers it for every listener. */
  private void release(JobEvent unnumbered) {
    JobEvent e = new JobEvent(unnumbered.kind(), unnumbered.job(), ++sequence,
        unnumbered.statusChanged());
    for (ListenerSubscription s : subscriptions) {
      s.offer(e);
    }
    Job job = e.job();
    if (e.kind() != JobEvent.Kind.DELETED && job.isTerminal()) {
      CompletableFuture<Job> f = waiters.remove(job.id());
      if (f != null) {
        f.complete(job);
      }
    }
  }

  long lastSequence() {
    synchronized (lock) {
      return sequence;
    }
  }

  /** Forgets the release history of jobs removed from the store (retention), to bound memory. */
  void forget(String jobId) {
    synchronized (lock) {
      released.remove(jobId);
      held.remove(jobId);
      heldDeletes.remove(jobId);
    }
  }

  Subscription subscribe(JobListener listener) {
    ListenerSubscription[] self = new ListenerSubscription[1];
    self[0] = new ListenerSubscription(listener, bufferSize,
        "jobqueue-listener-" + listenerThreads.incrementAndGet(), () -> subscriptions.remove(self[0]));
    subscriptions.add(self[0]);
    self[0].start();
    return self[0];
  }

  /** The future of a job's end; the caller checks the current state after registering. */
  CompletableFuture<Job> waiter(String jobId) {
    return waiters.computeIfAbsent(jobId, k -> new CompletableFuture<>());
  }

  void failWaiters(RuntimeException e) {
    for (Map.Entry<String, CompletableFuture<Job>> w : waiters.entrySet()) {
      w.getValue().completeExceptionally(e);
    }
    waiters.clear();
  }

  void removeWaiter(String jobId, CompletableFuture<Job> f) {
    waiters.remove(jobId, f);
  }

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
