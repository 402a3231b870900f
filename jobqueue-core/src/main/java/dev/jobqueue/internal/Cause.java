package dev.jobqueue.internal;

import static dev.jobqueue.internal.Transitions.ended;
import static dev.jobqueue.internal.Transitions.queued;
import static dev.jobqueue.internal.Transitions.step;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Why a job changes. Each cause lists the statuses it may start from, may refuse a job for its own
 * reasons, and computes the next snapshot; {@link Transitions#apply} checks and applies it.
 */
public sealed interface Cause {
  Set<JobStatus> QUEUED = Set.of(JobStatus.QUEUED);
  Set<JobStatus> RUNNING = Set.of(JobStatus.RUNNING);
  Set<JobStatus> ACTIVE = Set.of(JobStatus.QUEUED, JobStatus.RUNNING);
  Set<JobStatus> ENDED_BADLY = Set.of(JobStatus.FAILED, JobStatus.CANCELLED);

  /** The statuses this cause may start from. */
  Set<JobStatus> from();

  /** The status the move would reach, named when it is refused. */
  default JobStatus target(Job cur) {
    return cur.status();
  }

  /** Why this cause does not apply to {@code cur}, whose status is not among {@link #from}. */
  default String wrongStatus(Job cur) {
    return cur.isTerminal() ? "it has already ended" : "not while it is " + cur.status().wireName();
  }

  /** Why this cause does not apply to {@code cur} beyond its status, or null. */
  default String refusal(Job cur) {
    return null;
  }

  /** The next snapshot, or null when nothing changes. Called only when allowed. */
  Job next(Job cur, Instant now);

  /** A worker takes a queued managed job. */
  record Claim(String owner, Instant leaseUntil) implements Cause {
    public Set<JobStatus> from() {
      return QUEUED;
    }

    public JobStatus target(Job cur) {
      return JobStatus.RUNNING;
    }

    public String refusal(Job cur) {
      return cur.tracked() ? "a tracked job is started by the host" : null;
    }

    public Job next(Job cur, Instant now) {
      return Snapshots.running(cur, now, owner, leaseUntil);
    }
  }

  /** The host starts a queued tracked job. */
  record Start(String owner, Instant leaseUntil) implements Cause {
    public Set<JobStatus> from() {
      return QUEUED;
    }

    public JobStatus target(Job cur) {
      return JobStatus.RUNNING;
    }

    public String refusal(Job cur) {
      return cur.tracked() ? null : "only a tracked job is started by the host";
    }

    public Job next(Job cur, Instant now) {
      return Snapshots.running(cur, now, owner, leaseUntil);
    }
  }

  /**
   * A job a worker started ahead of running it goes back to queued, its handler never having run
   * (the queue closes, or its type was paused): the snapshot it was started from comes back, with a
   * new version. Refused once anything else changed the running job.
   */
  record HandBack(Job queued) implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public JobStatus target(Job cur) {
      return JobStatus.QUEUED;
    }

    public String refusal(Job cur) {
      return cur.version() != queued.version() + 1 || cur.cancelRequested()
          ? "it changed since it was started"
          : null;
    }

    public Job next(Job cur, Instant now) {
      return queued.toBuilder().version(cur.version() + 1).updatedAt(now).build();
    }
  }

  /** A progress report of a running job. */
  record Progress(
      double fraction, String message, Integer currentStep, Integer totalSteps, Double eta)
      implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public Job next(Job cur, Instant now) {
      return step(cur, now)
          .progress(fraction)
          .progressMessage(message)
          .currentStep(currentStep != null ? currentStep : cur.currentStep())
          .totalSteps(totalSteps != null ? totalSteps : cur.totalSteps())
          .etaSeconds(eta)
          .build();
    }
  }

  /** A cancel of a running job whose handler must notice it: only the flag is set. */
  record RequestCancel() implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public JobStatus target(Job cur) {
      return JobStatus.CANCELLED;
    }

    public Job next(Job cur, Instant now) {
      return cur.cancelRequested() ? null : step(cur, now).cancelRequested(true).build();
    }
  }

  /** A job that nothing runs (queued, tracked, awaiting children, or its handler ended) ends. */
  record Cancel() implements Cause {
    public Set<JobStatus> from() {
      return ACTIVE;
    }

    public JobStatus target(Job cur) {
      return JobStatus.CANCELLED;
    }

    public Job next(Job cur, Instant now) {
      return ended(step(cur, now), cur, now, JobStatus.CANCELLED).build();
    }
  }

  /** The job's own work ended well: with children it waits for them, else it completes. */
  record Complete(Map<String, Object> result) implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public JobStatus target(Job cur) {
      return JobStatus.COMPLETED;
    }

    public String refusal(Job cur) {
      return cur.awaitingChildren() ? "it was already completed and waits for its children" : null;
    }

    public Job next(Job cur, Instant now) {
      return cur.childJobIds().isEmpty()
          ? Snapshots.completed(cur, now, result)
          : step(cur, now).awaitingChildren(true).result(result).build();
    }
  }

  /**
   * The job fails for good: its last attempt failed, a dependency failed, or it was interrupted.
   */
  record Fail(String error) implements Cause {
    public Set<JobStatus> from() {
      return ACTIVE;
    }

    public JobStatus target(Job cur) {
      return JobStatus.FAILED;
    }

    public Job next(Job cur, Instant now) {
      return ended(step(cur, now), cur, now, JobStatus.FAILED).error(error).build();
    }
  }

  /** A failed or interrupted attempt is followed by another one, not before {@code runAt}. */
  record Requeue(String error, Instant runAt, String message, Double eta) implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public JobStatus target(Job cur) {
      return JobStatus.QUEUED;
    }

    public String refusal(Job cur) {
      return cur.awaitingChildren() ? "its handler already returned" : null;
    }

    public Job next(Job cur, Instant now) {
      return queued(cur, now, eta)
          .attempt(cur.attempt() + 1)
          .error(error)
          .runAt(runAt)
          .progressMessage(message)
          .build();
    }
  }

  /** A running handler saved its state, for the attempts after it. */
  record Checkpoint(Map<String, Object> state) implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public Job next(Job cur, Instant now) {
      return step(cur, now).checkpoint(state).build();
    }
  }

  /**
   * A user's retry of a failed or cancelled job: a new attempt from scratch, except for its
   * checkpoint, which the handler may resume from.
   */
  record Retry(Double eta) implements Cause {
    public Set<JobStatus> from() {
      return ENDED_BADLY;
    }

    public String wrongStatus(Job cur) {
      return "only failed or cancelled jobs can be retried";
    }

    public JobStatus target(Job cur) {
      return JobStatus.QUEUED;
    }

    public Job next(Job cur, Instant now) {
      return queued(cur, now, eta)
          .attempt(cur.attempt() + 1)
          .maxAttempts(Math.max(cur.maxAttempts(), cur.attempt() + 1))
          .error(null)
          .result(null)
          .warnings(List.of())
          .childJobIds(List.of())
          .runAt(null)
          .build();
    }
  }

  /** A child was spawned under this job. */
  record AddChild(String childId) implements Cause {
    public Set<JobStatus> from() {
      return ACTIVE;
    }

    public Job next(Job cur, Instant now) {
      if (cur.childJobIds().contains(childId)) {
        return null;
      }
      List<String> ids = new ArrayList<>(cur.childJobIds());
      ids.add(childId);
      return step(cur, now).childJobIds(ids).build();
    }
  }

  /** A parent's state derived from its children (see {@link ParentRollup}). */
  record Rollup(
      Outcome outcome,
      double progress,
      String message,
      Double eta,
      List<String> warnings,
      String error,
      Map<String, Object> result)
      implements Cause {
    /** What the children's state does to the parent. */
    public enum Outcome {
      /** Only progress and message change. */
      PROGRESS,
      /** A tracked parent starts with its first child. */
      START,
      /** Every child ended and none required failed. */
      COMPLETE,
      /** Every child ended and a required one failed. */
      FAIL
    }

    public Set<JobStatus> from() {
      return switch (outcome) {
        case COMPLETE -> RUNNING;
        case START -> QUEUED;
        case PROGRESS, FAIL -> ACTIVE;
      };
    }

    public JobStatus target(Job cur) {
      return switch (outcome) {
        case COMPLETE -> JobStatus.COMPLETED;
        case FAIL -> JobStatus.FAILED;
        case START -> JobStatus.RUNNING;
        case PROGRESS -> cur.status();
      };
    }

    public String refusal(Job cur) {
      return outcome == Outcome.START && !cur.tracked()
          ? "only a tracked parent starts with its children"
          : null;
    }

    public Job next(Job cur, Instant now) {
      Job.Builder b = step(cur, now).progressMessage(message);
      return switch (outcome) {
        case PROGRESS -> b.progress(progress).etaSeconds(eta).build();
        case START -> b.status(JobStatus.RUNNING).startedAt(now).progress(progress).build();
        case COMPLETE ->
            ended(b, cur, now, JobStatus.COMPLETED)
                .warnings(warnings)
                .result(result)
                .progress(1.0)
                .build();
        case FAIL ->
            ended(b, cur, now, JobStatus.FAILED)
                .warnings(warnings)
                .error(error)
                .progress(progress)
                .build();
      };
    }
  }

  /** The owner of a parent whose handler returned died; the parent waits on without an owner. */
  record Orphan() implements Cause {
    public Set<JobStatus> from() {
      return RUNNING;
    }

    public String refusal(Job cur) {
      return cur.awaitingChildren() ? null : "only a parent awaiting its children";
    }

    public Job next(Job cur, Instant now) {
      return step(cur, now).owner(null).leaseExpiresAt(null).build();
    }
  }
}
