package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobContext;
import dev.jobqueue.JobRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One attempt of one managed job on this queue instance: the handler's {@link JobContext}, the
 * latest snapshot it knows, and the cancel flag plus the thread to interrupt.
 */
final class Execution implements JobContext {
  private final Attempts attempts;
  private final String jobId;
  private final int attempt;
  private volatile Job latest;
  private volatile boolean cancelled;

  /** Why the queue itself stopped this attempt, or null: it timed out, or close() gave up. */
  private volatile Duration timedOutAfter;

  private volatile boolean abandoned;

  /**
   * The write that moved the job to running; the handler may run before it is durable. {@link
   * #STARTED} until the write is submitted.
   */
  private volatile CompletableFuture<Boolean> start = STARTED;

  private static final CompletableFuture<Boolean> STARTED = CompletableFuture.completedFuture(true);

  /** Guarded by this: the thread running the handler, and whether it has returned. */
  private Thread thread;

  private boolean done;

  /** The queue stored this attempt's end itself; the handler's thread is no longer a worker. */
  private boolean detached;

  Execution(Attempts attempts, Job claimed) {
    this.attempts = attempts;
    this.jobId = claimed.id();
    this.attempt = claimed.attempt();
    this.latest = claimed;
  }

  void starting(CompletableFuture<Boolean> write) {
    start = write;
  }

  CompletableFuture<Boolean> startWrite() {
    return start;
  }

  /**
   * Whether the job's start is stored, so the store holds it running under this instance; false
   * while the start write is not yet submitted or in flight, and when it was refused or failed.
   */
  boolean startStored() {
    CompletableFuture<Boolean> s = start;
    return s != STARTED && s.isDone() && !s.isCompletedExceptionally() && s.join();
  }

  /**
   * Waits until the job's start is stored, before anything that builds on the running snapshot
   * (progress, children); false when the start was refused or failed (the attempt is cancelled).
   */
  boolean awaitStarted() {
    try {
      return start.join();
    } catch (RuntimeException e) {
      return false;
    }
  }

  synchronized void bind(Thread t) {
    thread = t;
  }

  /** Flags the attempt cancelled and interrupts its thread, unless the handler already returned. */
  void cancel() {
    cancelled = true;
    synchronized (this) {
      if (thread != null && !done) {
        thread.interrupt();
      }
    }
  }

  /** The attempt ran past its timeout: it is cancelled, and ends failed ("timed out"). */
  void timeOut(Duration after) {
    timedOutAfter = after;
    cancel();
  }

  /** close() gave up waiting: the attempt is cancelled and ends as the recovery policy says. */
  void abandon() {
    abandoned = true;
    cancel();
  }

  Duration timedOutAfter() {
    return timedOutAfter;
  }

  boolean abandoned() {
    return abandoned;
  }

  /**
   * The handler ignored its cancel: its thread stops being a worker, and the queue ends the attempt
   * itself. False when the handler already returned.
   */
  synchronized boolean detach() {
    if (done) {
      return false;
    }
    detached = true;
    return true;
  }

  synchronized boolean detached() {
    return detached;
  }

  /** After this no cancel interrupts the thread, which goes on to other work. */
  synchronized void finish() {
    done = true;
    thread = null;
  }

  synchronized boolean isDone() {
    return done;
  }

  Job latest() {
    return latest;
  }

  void latest(Job job) {
    latest = job;
  }

  @Override
  public String jobId() {
    return jobId;
  }

  @Override
  public Job job() {
    return latest;
  }

  @Override
  public Map<String, Object> input() {
    return latest.input();
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public void progress(double fraction, String message) {
    Progress.checkFraction(jobId, fraction);
    throwIfCancelled();
    attempts.reportProgress(this, fraction, message, null, null);
  }

  @Override
  public void progress(int current, int total, String message) {
    Progress.checkSteps(jobId, current, total);
    throwIfCancelled();
    attempts.reportProgress(this, (double) current / total, message, current, total);
  }

  @Override
  public void log(String line) {
    attempts.logs().append(this, line);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void throwIfCancelled() {
    if (cancelled) {
      throw new JobCancelledException(jobId);
    }
  }

  @Override
  public Job spawn(JobRequest child) {
    throwIfCancelled();
    return attempts.spawn(this, child);
  }

  @Override
  public void checkpoint(Map<String, ?> state) {
    throwIfCancelled();
    attempts.checkpoint(this, state);
  }

  @Override
  public Map<String, Object> lastCheckpoint() {
    Map<String, Object> c = latest.checkpoint();
    return c == null ? Map.of() : c;
  }

  @Override
  public String toString() {
    return "execution of job " + jobId + " attempt " + attempt;
  }
}
