package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker pool: each worker claims runnable jobs from the store (honouring concurrency and rate
 * limits), registers their executions and runs them; idle workers park until work is signalled or
 * the poll interval passes. Jobs claimed in a batch beyond the first wait in {@code prefetched}.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final QueueConfig config;
  private final JobStore store;
  private final EventHub hub;
  private final Admission admission;
  private final Executions executions;
  private final Attempts attempts;
  private final Lineage lineage;
  private final ScheduledExecutorService scheduler;
  private final int claimBatch;
  private final ReentrantLock claimLock = new ReentrantLock();
  private final ConcurrentLinkedQueue<Execution> prefetched = new ConcurrentLinkedQueue<>();
  private final AtomicLong signals = new AtomicLong();
  private final ConcurrentLinkedQueue<Thread> idleWorkers = new ConcurrentLinkedQueue<>();
  private final CountDownLatch workersDone;
  private final List<Thread> ownThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger threadNumber =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean stopping;

  Dispatcher(
      QueueConfig config,
      EventHub hub,
      Admission admission,
      Executions executions,
      Attempts attempts,
      Lineage lineage,
      ScheduledExecutorService scheduler) {
    this.config = config;
    this.store = config.store();
    this.hub = hub;
    this.admission = admission;
    this.executions = executions;
    this.attempts = attempts;
    this.lineage = lineage;
    this.scheduler = scheduler;
    this.claimBatch = config.claimBatch();
    this.workersDone = new CountDownLatch(config.workers());
  }

  void start() {
    attempts.onWorkerLost(
        lost -> {
          admission.finished(lost.latest().type());
          startWorker();
        });
    for (int i = 0; i < config.workers(); i++) {
      startWorker();
    }
  }

  /** Starts a worker; also replaces one whose thread a handler holds after its end was stored. */
  private void startWorker() {
    Runnable loop = this::workerLoop;
    if (config.executor() != null) {
      config.executor().execute(loop);
    } else {
      Thread t = new Thread(loop, "jobqueue-worker-" + threadNumber.incrementAndGet());
      t.setDaemon(true);
      ownThreads.add(t);
      t.start();
    }
  }

  boolean limited() {
    return admission.limited();
  }

  /** New work may be runnable: wakes one idle worker. */
  void signalWork() {
    signals.incrementAndGet();
    Thread idle = idleWorkers.poll();
    if (idle != null) {
      LockSupport.unpark(idle);
    }
  }

  /** Wakes a worker when a job queued to run at {@code runAt} (null: now) becomes due. */
  void wakeAt(Instant runAt) {
    long delay = runAt == null ? 0 : Duration.between(config.clock().instant(), runAt).toMillis();
    if (delay <= 0) {
      signalWork();
    } else if (!stopping) {
      try {
        // Looks again when it fires: the timer may run a little before the queue's clock is due.
        scheduler.schedule(() -> wakeAt(runAt), delay + 1, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        log.debug("not waking a worker for a retry: the queue is closing");
      }
    }
  }

  private void workerLoop() {
    Thread me = Thread.currentThread();
    boolean replaced = false;
    try {
      while (!stopping) {
        long seen = signals.get();
        Execution ex;
        try {
          ex = nextExecution();
        } catch (RuntimeException e) {
          log.error("claiming work failed; retrying in {}", config.pollInterval(), e);
          LockSupport.parkNanos(this, config.pollInterval().toNanos());
          continue;
        }
        if (ex != null) {
          attempts.run(ex);
          if (ex.detached()) {
            ownThreads.remove(me);
            replaced = true;
            return; // a replacement took this worker's place, its slot and its count below
          }
          admission.finished(ex.latest().type());
          continue;
        }
        long waitNanos = config.pollInterval().toNanos();
        if (admission.limited()) {
          claimLock.lock();
          try {
            long permitMs = admission.millisUntilPermit(config.clock().instant());
            if (permitMs >= 0) {
              waitNanos = Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(permitMs));
            }
          } finally {
            claimLock.unlock();
          }
        }
        idleWorkers.add(me);
        if (signals.get() == seen && !stopping) {
          LockSupport.parkNanos(this, waitNanos);
        }
        idleWorkers.remove(me);
      }
    } finally {
      if (!replaced) {
        workersDone.countDown();
      }
    }
  }

  private Execution nextExecution() {
    Execution ex = prefetched.poll();
    if (ex != null) {
      return ex;
    }
    Instant now = config.clock().instant();
    Instant leaseUntil = now.plus(config.lease());
    List<Job> claimed;
    if (admission.limited()) {
      claimLock.lock();
      try {
        Set<String> types = admission.eligible(now);
        if (types.isEmpty()) {
          return null;
        }
        claimed = claim(new ClaimRequest(types, now, config.instanceId(), leaseUntil, 1));
        for (Job j : claimed) {
          admission.started(j.type(), now);
        }
      } finally {
        claimLock.unlock();
      }
    } else {
      if (config.handlers().isEmpty()) {
        return null;
      }
      claimed =
          claim(
              new ClaimRequest(
                  config.handlers().keySet(), now, config.instanceId(), leaseUntil, claimBatch));
      for (Job j : claimed) {
        admission.started(j.type(), now);
      }
    }
    Execution first = null;
    for (Job j : claimed) {
      Execution e = new Execution(attempts, j);
      executions.register(e);
      if (j.parentJobId() != null) {
        lineage.markParentDirty(j.parentJobId());
      }
      if (first == null) {
        first = e;
      } else {
        prefetched.add(e);
        signalWork();
      }
    }
    return first;
  }

  private List<Job> claim(ClaimRequest request) {
    EventHub.Pending events = hub.beginClaim();
    List<Job> claimed = List.of();
    try {
      claimed = store.claim(request);
      return claimed;
    } finally {
      events.resolveClaim(claimed);
    }
  }

  /**
   * Stops the workers: they finish the job in hand and take no more. Returns whether they all
   * stopped before {@code deadlineNanos}.
   */
  boolean stop(long deadlineNanos) {
    stopping = true;
    for (Thread t; (t = idleWorkers.poll()) != null; ) {
      LockSupport.unpark(t);
    }
    for (Thread t : ownThreads) {
      LockSupport.unpark(t);
    }
    return awaitWorkers(deadlineNanos);
  }

  boolean awaitWorkers(long deadlineNanos) {
    try {
      return workersDone.await(
          Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Claimed jobs that no worker started, taken out of the pool (the queue is stopping). */
  List<Execution> drainPrefetched() {
    List<Execution> out = new ArrayList<>();
    for (Execution ex; (ex = prefetched.poll()) != null; ) {
      executions.unregister(ex);
      admission.finished(ex.latest().type());
      out.add(ex);
    }
    return out;
  }
}
