package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.Map;

/**
 * The two snapshots every job goes through, made with the record's constructor directly: a {@link
 * Job.Builder} copy per transition was a sixth of the bytes a no-op job allocates.
 */
public final class Snapshots {
  private Snapshots() {}

  /**
   * {@code queued} claimed by {@code owner}: running from {@code now}, leased until {@code
   * leaseUntil}.
   */
  public static Job running(Job queued, Instant now, String owner, Instant leaseUntil) {
    Job q = queued;
    return new Job(
        q.id(),
        q.type(),
        JobStatus.RUNNING,
        q.createdAt(),
        now,
        null,
        now,
        q.progress(),
        q.progressMessage(),
        q.currentStep(),
        q.totalSteps(),
        q.title(),
        q.description(),
        q.parentJobId(),
        q.childJobIds(),
        q.result(),
        q.error(),
        q.userId(),
        q.cancelable(),
        q.priority(),
        q.attempt(),
        q.maxAttempts(),
        q.dependsOn(),
        q.optional(),
        q.etaSeconds(),
        q.warnings(),
        q.input(),
        q.version() + 1,
        null,
        owner,
        leaseUntil,
        q.cancelRequested(),
        q.tracked(),
        q.awaitingChildren());
  }

  /** {@code running} completed at {@code now} with {@code result}. */
  public static Job completed(Job running, Instant now, Map<String, Object> result) {
    Job r = running;
    return new Job(
        r.id(),
        r.type(),
        JobStatus.COMPLETED,
        r.createdAt(),
        r.startedAt(),
        now,
        now,
        1.0,
        r.progressMessage(),
        r.currentStep(),
        r.totalSteps(),
        r.title(),
        r.description(),
        r.parentJobId(),
        r.childJobIds(),
        result,
        null,
        r.userId(),
        r.cancelable(),
        r.priority(),
        r.attempt(),
        r.maxAttempts(),
        r.dependsOn(),
        r.optional(),
        null,
        r.warnings(),
        r.input(),
        r.version() + 1,
        r.runAt(),
        r.owner(),
        r.leaseExpiresAt(),
        r.cancelRequested(),
        r.tracked(),
        r.awaitingChildren());
  }
}
