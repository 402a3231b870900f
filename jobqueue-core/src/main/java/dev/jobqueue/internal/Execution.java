package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobContext;
import dev.jobqueue.JobRequest;
import java.util.Map;

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

  /** Guarded by this: the thread running the handler, and whether it has returned. */
  private Thread thread;

  private boolean done;

  Execution(Attempts attempts, Job claimed) {
    this.attempts = attempts;
    this.jobId = claimed.id();
    this.attempt = claimed.attempt();
    this.latest = claimed;
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
  public String toString() {
    return "execution of job " + jobId + " attempt " + attempt;
  }
}
