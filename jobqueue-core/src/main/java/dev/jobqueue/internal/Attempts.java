package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RetryBackoff;
import dev.jobqueue.internal.Transitions.Change;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.JsonValues;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of a started job on the calling worker: the handler, its progress reports, and
 * the end of the attempt (completed, awaiting children, retried later, failed or cancelled), which
 * is stored without making the worker wait for durability.
 */
final class Attempts {
  private static final Logger log = LoggerFactory.getLogger(Attempts.class);

  private final Map<String, JobHandler> handlers;
  private final JobStore store;
  private final JobWrites writes;
  private final Executions executions;
  private final RunTimes runTimes;
  private final RetryBackoff backoff;
  private final String instanceId;
  private final Submission submission;
  private final Timeouts timeouts;
  private final Recovery recovery;
  private final ScheduledExecutorService scheduler;
  private volatile java.util.function.Consumer<Execution> workerLost = ex -> {};

  /** Runs the end of attempts whose durable write finished on a store thread. */
  private final ExecutorService completer =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          new NamedThreadFactory("jobqueue-completer", true));

  private final AtomicInteger finishesInFlight = new AtomicInteger();

  /** How long a handler may go on after its timeout cancelled it before the queue ends it. */
  static final Duration GRACE = Duration.ofSeconds(1);

  Attempts(
      Map<String, JobHandler> handlers,
      JobStore store,
      JobWrites writes,
      Executions executions,
      RunTimes runTimes,
      RetryBackoff backoff,
      String instanceId,
      Submission submission,
      Timeouts timeouts,
      Recovery recovery,
      ScheduledExecutorService scheduler) {
    this.handlers = handlers;
    this.store = store;
    this.writes = writes;
    this.executions = executions;
    this.runTimes = runTimes;
    this.backoff = backoff;
    this.instanceId = instanceId;
    this.submission = submission;
    this.timeouts = timeouts;
    this.recovery = recovery;
    this.scheduler = scheduler;
  }

  /** Handlers' log lines (set once, before workers start). */
  private volatile JobLogs logs;

  void logs(JobLogs logs) {
    this.logs = logs;
  }

  JobLogs logs() {
    return logs;
  }

  /** Called when a worker thread is lost to a handler that ignored its cancel. */
  void onWorkerLost(java.util.function.Consumer<Execution> replaceWorker) {
    this.workerLost = replaceWorker;
  }

  /** A child submitted by a running handler. */
  Job spawn(Execution parent, dev.jobqueue.JobRequest child) {
    if (!parent.awaitStarted()) {
      throw new JobCancelledException(parent.jobId());
    }
    return submission.spawn(parent, child);
  }

  /** Runs the handler of a registered execution and stores how the attempt ended. */
  void run(Execution ex) {
    Job job = ex.latest();
    ex.bind(Thread.currentThread());
    Map<String, Object> result = null;
    Throwable failure = null;
    Duration timeout = timeouts.of(job);
    ScheduledFuture<?> guard = timeout == null ? null : guard(ex, timeout);
    if (!ex.isCancelled()) {
      try {
        Map<String, Object> raw = handlers.get(job.type()).run(ex);
        result = raw == null ? null : JsonValues.copyObject(raw);
      } catch (Throwable t) {
        failure = t;
        if (t instanceof VirtualMachineError) {
          log.error("job {} hit a fatal error", job.id(), t);
        }
      }
    }
    if (guard != null) {
      guard.cancel(false);
    }
    ex.finish();
    logs.ended(ex);
    Thread.interrupted(); // a late cancel must not leak into the next job
    executions.unregister(ex);
    if (!ex.detached()) {
      finish(ex, result, failure);
    }
  }

  /**
   * A job started ahead whose handler never ran goes back to queued as it was reserved ({@code
   * reserved}); a cancel asked meanwhile ends it cancelled instead. If it moved on some other way,
   * it is left to its lease.
   */
  void handBack(Execution ex, Job reserved) {
    executions.unregister(ex);
    ex.finish();
    if (!ex.awaitStarted()) {
      return; // the start was refused: nothing of it was stored
    }
    try {
      Job cur = ex.latest();
      while (cur.status() == JobStatus.RUNNING
          && cur.attempt() == ex.attempt()
          && instanceId.equals(cur.owner())) {
        Cause back = cur.cancelRequested() ? new Cause.Cancel() : new Cause.HandBack(reserved);
        if (!Transitions.allows(cur, back)) {
          log.warn(
              "job {} changed after it was started ahead; it is recovered with its lease",
              cur.id());
          return;
        }
        Change change = Transitions.apply(cur, back, writes.now());
        if (writes.write(change)) {
          writes.changed(change);
          return;
        }
        Optional<Job> latest = store.get(ex.jobId());
        if (latest.isEmpty()) {
          return;
        }
        cur = latest.get();
      }
    } catch (RuntimeException e) {
      log.warn(
          "job {} was started but not run and could not be handed back; it is recovered when its"
              + " lease expires",
          ex.jobId(),
          e);
    }
  }

  /** Cancels the attempt at its deadline; ends it, a grace period later, if the handler goes on. */
  private ScheduledFuture<?> guard(Execution ex, Duration timeout) {
    try {
      return scheduler.schedule(
          () -> {
            log.warn("job {} timed out after {}; cancelling it", ex.jobId(), timeout);
            ex.timeOut(timeout);
            scheduler.schedule(() -> endIgnored(ex), GRACE.toMillis(), TimeUnit.MILLISECONDS);
          },
          timeout.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the queue is closing: close() bounds the attempt instead
    }
  }

  /**
   * Stores the end of an attempt whose handler ignored its cancel (timeout or close), so the job
   * does not stay running; the handler's thread is no longer counted as a worker and is replaced.
   */
  void endIgnored(Execution ex) {
    if (ex.timedOutAfter() == null && !ex.abandoned()) {
      throw new IllegalStateException("only a timed-out or abandoned attempt is ended for it");
    }
    if (!ex.detach()) {
      return; // it returned meanwhile and stored its own end
    }
    executions.unregister(ex);
    log.warn(
        "job {}: its handler ignored the cancel; its end is stored now and its worker thread is"
            + " replaced (the thread stays blocked in the handler)",
        ex.jobId());
    workerLost.accept(ex);
    try {
      while (true) {
        Optional<Job> latest = store.get(ex.jobId());
        Change end = latest.isEmpty() ? null : endOf(latest.get(), ex, null, null);
        if (end == null || writes.write(end)) {
          if (end != null) {
            writes.changed(end);
          }
          return;
        }
      }
    } catch (RuntimeException e) {
      log.error(
          "could not store the end of job {}; it stays running until recovered", ex.jobId(), e);
    }
  }

  private void finish(Execution ex, Map<String, Object> result, Throwable failure) {
    Job cur = ex.latest();
    Change end = endOf(cur, ex, result, failure);
    if (end == null) {
      return;
    }
    CompletableFuture<Boolean> start = ex.startWrite();
    CompletableFuture<Boolean> write;
    if (start.isDone()) {
      if (!ex.awaitStarted()) {
        return; // the start was refused: nothing of this attempt is stored
      }
      finishesInFlight.incrementAndGet();
      write = writes.writeAsync(end);
    } else {
      // Written once the start is: the end builds on the running snapshot the start stores, and
      // if another change won instead, that snapshot never existed and the end must not be
      // written over the change that won (it could carry the same version).
      finishesInFlight.incrementAndGet();
      write =
          start
              .handle((ok, err) -> Boolean.TRUE.equals(ok))
              .thenCompose(
                  ok -> ok ? writes.writeAsync(end) : CompletableFuture.completedFuture(false));
    }
    if (write.isDone()) {
      afterWrite(ex, end, write, result, failure);
    } else {
      write.whenComplete(
          (ok, err) -> {
            if (Boolean.TRUE.equals(ok) && touchesNoOtherJob(end.next())) {
              // Publishing and waking a worker never call the store, so they may run on the
              // store's thread; this saves a thread hand-off per job, which on 2 cores is most of
              // the cost.
              afterWrite(ex, end, write, result, failure);
            } else {
              completer.execute(() -> afterWrite(ex, end, write, result, failure));
            }
          });
    }
  }

  /** A completed job without parent or children: its effects stay in memory. */
  private static boolean touchesNoOtherJob(Job next) {
    return next.status() == JobStatus.COMPLETED
        && next.parentJobId() == null
        && next.childJobIds().isEmpty();
  }

  private void afterWrite(
      Execution ex,
      Change end,
      CompletableFuture<Boolean> write,
      Map<String, Object> result,
      Throwable failure) {
    String id = end.prev().id();
    try {
      boolean ok;
      try {
        ok = write.join();
      } catch (RuntimeException e) {
        log.warn("storing the end of job {} failed; trying again", id, e);
        ok = false;
      }
      if (ok) {
        writes.changed(end);
        return;
      }
      // Someone changed the job meanwhile (a cancel, a parent refresh): recompute from the latest.
      while (true) {
        Optional<Job> latest = store.get(id);
        if (latest.isEmpty()) {
          return;
        }
        Change again = endOf(latest.get(), ex, result, failure);
        if (again == null) {
          return;
        }
        if (writes.write(again)) {
          writes.changed(again);
          return;
        }
      }
    } catch (RuntimeException e) {
      log.error("could not store the end of job {}; it stays running until recovered", id, e);
    } finally {
      finishesInFlight.decrementAndGet();
    }
  }

  /** The change that ends this attempt, or null when the attempt no longer owns the job. */
  private Change endOf(Job cur, Execution ex, Map<String, Object> result, Throwable failure) {
    if (cur.status() != JobStatus.RUNNING
        || cur.attempt() != ex.attempt()
        || !instanceId.equals(cur.owner())
        || cur.awaitingChildren()) {
      return null;
    }
    return Transitions.apply(cur, causeOfEnd(cur, ex, result, failure), writes.now());
  }

  private Cause causeOfEnd(Job cur, Execution ex, Map<String, Object> result, Throwable failure) {
    if (cur.cancelRequested()) {
      return new Cause.Cancel();
    }
    if (ex.timedOutAfter() != null) {
      return failed(cur, "timed out after " + Timeouts.human(ex.timedOutAfter()));
    }
    if (ex.abandoned()) {
      return recovery.of(cur);
    }
    if (ex.isCancelled()) {
      return new Cause.Cancel();
    }
    if (failure == null) {
      return new Cause.Complete(result);
    }
    return failed(cur, describe(failure));
  }

  /** Another attempt later while attempts remain, else failed for good. */
  private Cause failed(Job cur, String error) {
    if (cur.attempt() < cur.maxAttempts()) {
      Duration delay = backoff.delayAfter(cur.attempt());
      return new Cause.Requeue(
          error,
          writes.now().plus(delay),
          "attempt "
              + cur.attempt()
              + " of "
              + cur.maxAttempts()
              + " failed; retrying in "
              + Timeouts.human(delay),
          runTimes.mean(cur.type()));
    }
    return new Cause.Fail(error);
  }

  private static String describe(Throwable t) {
    if (t instanceof InterruptedException) {
      return "interrupted";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  /** A progress report from a handler; throws when the job was cancelled meanwhile. */
  void reportProgress(
      Execution ex, double fraction, String message, Integer current, Integer total) {
    if (!ex.awaitStarted()) {
      ex.cancel();
      throw new JobCancelledException(ex.jobId());
    }
    Job base = ex.latest();
    while (true) {
      if (base.status() != JobStatus.RUNNING || base.cancelRequested()) {
        if (base.cancelRequested() || base.status() == JobStatus.CANCELLED) {
          ex.cancel();
        }
        throw new JobCancelledException(ex.jobId());
      }
      Instant now = writes.now();
      Double eta = Progress.eta(base, fraction, now, runTimes.mean(base.type()));
      Change c =
          Transitions.apply(base, new Cause.Progress(fraction, message, current, total, eta), now);
      if (writes.writeProgress(c)) {
        ex.latest(c.next());
        writes.changed(c);
        return;
      }
      base = store.get(ex.jobId()).orElseThrow(() -> new JobCancelledException(ex.jobId()));
      ex.latest(base);
    }
  }

  void checkpoint(Execution ex, Map<String, ?> state) {
    Checkpoints.save(store, writes, ex, state);
  }

  /** Waits (bounded) for ends of attempts still being stored, then stops the completer thread. */
  void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (finishesInFlight.get() > 0 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    completer.shutdown();
    try {
      completer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
