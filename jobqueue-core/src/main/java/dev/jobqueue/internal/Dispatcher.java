package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.internal.Transitions.Change;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker pool: workers reserve runnable jobs in the store (honouring concurrency and rate
 * limits), start them and run them; idle workers park until work is signalled or the poll interval
 * passes. A reserved job stays queued for everyone until a worker starts it ({@link Reservations});
 * how many are reserved per store call is the {@link ReserveBatch}'s choice.
 *
 * <p>On a shared store a handler runs only once its start is stored (another instance may have
 * cancelled the reserved job), so a worker would wait one commit per job. While jobs are short (the
 * batch has grown) the reserving worker therefore starts the whole batch at once, in one commit,
 * and the workers run the started jobs in order ({@link #ahead}). {@code close()} and {@code
 * pause(type)} hand such jobs back to queued.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final QueueConfig config;
  private final JobStore store;
  private final JobWrites writes;
  private final Admission admission;
  private final Executions executions;
  private final Attempts attempts;
  private final ScheduledExecutorService scheduler;
  private final ReserveBatch batch;
  private final Reservations reservations = new Reservations();

  private final StartedAhead ahead;
  private final ReentrantLock claimLock = new ReentrantLock();
  private final AtomicLong signals = new AtomicLong();
  private final ConcurrentLinkedQueue<Thread> idleWorkers = new ConcurrentLinkedQueue<>();
  private final CountDownLatch workersDone;
  private final List<Thread> ownThreads = new CopyOnWriteArrayList<>();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private volatile boolean stopping;

  Dispatcher(
      QueueConfig config,
      JobWrites writes,
      Admission admission,
      Executions executions,
      Attempts attempts,
      ScheduledExecutorService scheduler) {
    this.config = config;
    this.store = config.store();
    this.writes = writes;
    this.admission = admission;
    this.executions = executions;
    this.attempts = attempts;
    this.scheduler = scheduler;
    this.batch =
        new ReserveBatch(
            config.workers(),
            config.reserveBatch(),
            store.isShared() ? ReserveBatch.FAST_SHARED : ReserveBatch.FAST);
    this.ahead = new StartedAhead(admission, attempts);
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
    while (true) {
      if (stopping) {
        return null; // close() hands back what was started ahead
      }
      StartedAhead.Entry started = ahead.poll();
      if (started != null) {
        if (awaitStart(started.ex(), started.reserved())) {
          return started.ex();
        }
        continue;
      }
      Reservations.Slot slot = reservations.poll();
      if (slot == null) {
        if (!reserve()) {
          return null;
        }
        continue;
      }
      if (stopping) {
        return null; // close() releases the reservations no worker started
      }
      Execution ex = start(slot.job(), slot);
      if (ex != null && (!store.isShared() || awaitStart(ex, slot.job()))) {
        return ex;
      }
    }
  }

  /**
   * Reserves the next jobs in the store (one worker at a time); false when none is runnable. With
   * concurrency or rate limits one job at a time, counted against the limits when reserved.
   */
  private boolean reserve() {
    claimLock.lock();
    try {
      if (!reservations.isEmpty() || !ahead.isEmpty()) {
        return true; // another worker reserved while this one waited for the lock
      }
      Instant now = config.clock().instant();
      Set<String> types = admission.eligible(now); // handled, not paused, with room under limits
      if (types.isEmpty()) {
        return false;
      }
      int max = admission.limited() ? 1 : batch.next(now);
      List<Job> reserved =
          store.reserve(
              new ClaimRequest(
                  types,
                  now,
                  config.instanceId(),
                  now.plus(config.lease()),
                  max,
                  admission.concurrencyLimits(types)));
      if (stopping) {
        // close() may have released what it knew of already: hand these back too
        release(reserved.stream().map(Job::id).toList());
        return false;
      }
      if (reserved.isEmpty() && !admission.limited()) {
        batch.nothingReserved();
      }
      for (Job j : reserved) {
        admission.started(j.type(), now);
        reservations.add(j);
      }
      if (store.isShared() && batch.grown()) {
        startAhead();
        if (stopping) {
          ahead.handBackAll(); // close() may have looked before they were added
          return false;
        }
      }
      for (int i = 1; i < Math.min(reserved.size(), config.workers()); i++) {
        signalWork();
      }
      return !reserved.isEmpty();
    } finally {
      claimLock.unlock();
    }
  }

  /** Starts every reserved job now (under the claim lock): their starts share a commit. */
  private void startAhead() {
    for (Reservations.Slot slot; (slot = reservations.poll()) != null; ) {
      Execution ex = start(slot.job(), slot);
      if (ex != null) {
        ahead.add(ex, slot.job());
      }
    }
  }

  /**
   * Starts a reserved job: its start write is submitted; unless the store is shared, the handler
   * runs without waiting for it (listeners see "running" once it is durable). Null when the job was
   * withdrawn.
   */
  private Execution start(Job queued, Reservations.Slot slot) {
    Instant now = config.clock().instant();
    Change change =
        Transitions.apply(
            queued, new Cause.Claim(config.instanceId(), now.plus(config.lease())), now);
    Execution ex = new Execution(attempts, change.next());
    boolean started =
        reservations.start(
            slot,
            () -> {
              executions.register(ex);
              ex.starting(writes.writeAsync(change));
            });
    if (!started) {
      return null; // withdrawn: the withdrawal gave back its slot
    }
    ex.startWrite()
        .whenComplete(
            (ok, err) -> {
              if (Boolean.TRUE.equals(ok)) {
                writes.changed(change); // no store calls: safe on the store's thread
              } else {
                refused(ex, err);
              }
            });
    return ex;
  }

  /** Waits until the start is stored; false when another change won (the job is not run). */
  private boolean awaitStart(Execution ex, Job reserved) {
    if (ex.awaitStarted()) {
      return true;
    }
    executions.unregister(ex);
    admission.finished(reserved.type());
    return false;
  }

  /** The start write lost (another change won) or failed: the handler must not go on. */
  private void refused(Execution ex, Throwable err) {
    if (err != null) {
      log.warn("starting job {} failed; it stays queued", ex.jobId(), err);
    } else {
      log.debug("job {} changed before its start was stored; not running it", ex.jobId());
    }
    ex.cancel();
    try {
      scheduler.execute(() -> release(List.of(ex.jobId())));
    } catch (RejectedExecutionException e) {
      release(List.of(ex.jobId()));
    }
  }

  /**
   * A change is about to be made to queued job {@code id} by someone other than its worker: a
   * reservation that no worker started yet is given up, so the job never starts. No worker starts
   * it until the returned action, run once the change's write returned, has given up a reservation
   * made meanwhile too (one that read the job before the change was stored).
   */
  Runnable withdraw(String id) {
    reservations.beginWithdrawal(id);
    takeBack(id);
    return () -> {
      try {
        takeBack(id);
      } finally {
        reservations.endWithdrawal(id);
      }
    };
  }

  private void takeBack(String id) {
    Job j;
    // a reservation in flight may hold the job already: wait until it is registered
    claimLock.lock();
    try {
      j = reservations.withdraw(id);
    } finally {
      claimLock.unlock();
    }
    if (j != null) {
      admission.finished(j.type());
      release(List.of(id));
    }
  }

  private void release(List<String> ids) {
    try {
      store.release(config.instanceId(), ids);
    } catch (RuntimeException e) {
      log.warn("could not release reservations of jobs {}; they lapse with their lease", ids, e);
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
    ahead.handBackAll(); // a batch being started now sees the stop when it is done
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

  /**
   * Jobs of newly paused {@code types} that this queue reserved and no worker started go back to
   * the store at once: a pause keeps them from starting here and lets no other queue wait for them.
   */
  void withdrawTypes(Set<String> types) {
    List<Job> withdrawn;
    List<StartedAhead.Entry> started;
    claimLock.lock(); // a reservation in flight is registered (and started ahead) first
    try {
      started = ahead.take(j -> types.contains(j.type()));
      withdrawn = reservations.withdrawTypes(types);
    } finally {
      claimLock.unlock();
    }
    ahead.handBack(started);
    List<String> ids = new ArrayList<>();
    for (Job j : withdrawn) {
      admission.finished(j.type());
      ids.add(j.id());
    }
    if (!ids.isEmpty()) {
      log.debug("job types {} paused: releasing {} reserved jobs", types, ids.size());
      release(ids);
    }
  }

  /** Reserved jobs no worker started go back to the store at once (the queue is stopping). */
  void releaseReservations() {
    ahead.handBackAll();
    List<String> ids = new ArrayList<>();
    for (Job j : reservations.withdrawAll()) {
      admission.finished(j.type());
      ids.add(j.id());
    }
    if (!ids.isEmpty()) {
      log.debug("job queue {}: releasing {} reserved jobs", config.instanceId(), ids.size());
      release(ids);
    }
  }
}
