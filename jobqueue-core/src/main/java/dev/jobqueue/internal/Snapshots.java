package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.Map;

/**
 * The two snapshots every job goes through, made with the record's constructor: a builder copy per
 * transition was a sixth of the bytes a no-op job allocates. Only {@link Cause} calls these.
 */
final class Snapshots {
  private Snapshots() {}

  /** {@code queued} started by {@code owner} at {@code now}, leased until {@code leaseUntil}. */
  static Job running(Job q, Instant now, String owner, Instant leaseUntil) {
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
        q.awaitingChildren(),
        q.timeout(),
        q.uniqueKey(),
        q.checkpoint());
  }

  static Job completed(Job r, Instant now, Map<String, Object> result) {
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
        false,
        r.timeout(),
        r.uniqueKey(),
        r.checkpoint());
  }
}
