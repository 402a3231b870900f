package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.RecoveryPolicy;

/**
 * What the {@link RecoveryPolicy} makes of a job that was running when its process stopped, or when
 * a graceful close gave up waiting for it: never "cancelled" unless a user asked.
 */
final class Recovery {
  private final QueueConfig config;
  private final RunTimes runTimes;

  Recovery(QueueConfig config, RunTimes runTimes) {
    this.config = config;
    this.runTimes = runTimes;
  }

  Cause of(Job cur) {
    if (cur.awaitingChildren()) {
      // Its handler already returned; it ends when its children do. Release the dead owner.
      return new Cause.Orphan();
    }
    if (cur.cancelRequested()) {
      return new Cause.Cancel();
    }
    if (config.recoveryPolicy() == RecoveryPolicy.REQUEUE
        && !cur.tracked()
        && cur.attempt() < cur.maxAttempts()
        && config.handlers().containsKey(cur.type())) {
      return new Cause.Requeue(Job.INTERRUPTED_ERROR, null, null, runTimes.mean(cur.type()));
    }
    return new Cause.Fail(Job.INTERRUPTED_ERROR);
  }
}
