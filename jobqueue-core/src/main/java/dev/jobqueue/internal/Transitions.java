package dev.jobqueue.internal;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every change of a job: the next snapshot from the current one, a {@link Cause} and the clock.
 * Pure and thread-free. It enforces DESIGN's state machine ({@link JobStatus#canMoveTo}): each
 * cause names the statuses it may start from, and a status move the table forbids is refused
 * whatever the cause computed. The queue writes only {@link Change}s, which only this class makes,
 * so no write path can store a move the state machine forbids.
 */
public final class Transitions {
  private Transitions() {}

  /**
   * Why a job changes. Each cause lists the statuses it may start from, may refuse a job for its
   * own reasons, and computes the next snapshot.
   */
  public sealed interface Cause {
    /** The statuses this cause may start from. */
    Set<JobStatus> from();

    /** The status the move would reach, named when it is refused. */
    default JobStatus target(Job cur) {
      return cur.status();
    }

    /** Why this cause does not apply to {@code cur}, whose status is not among {@link #from}. */
    default String wrongStatus(Job cur) {
      return cur.isTerminal()
          ? "it has already ended"
          : "not while it is " + cur.status().wireName();
    }

    /** Why this cause does not apply to {@code cur} beyond its status, or null. */
    default String refusal(Job cur) {
      return null;
    }

    /** The next snapshot, or null when nothing changes. Called only when allowed. */
    Job next(Job cur, Instant now);
  }

  /** A worker takes a queued managed job. */
  public record Claim(String owner, Instant leaseUntil) implements Cause {
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
      return running(cur, now, owner, leaseUntil);
    }
  }

  /** The host starts a queued tracked job. */
  public record Start(String owner, Instant leaseUntil) implements Cause {
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
      return running(cur, now, owner, leaseUntil);
    }
  }

  /** A progress report of a running job. */
  public record Progress(
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
  public record RequestCancel() implements Cause {
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
  public record Cancel() implements Cause {
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
  public record Complete(Map<String, Object> result) implements Cause {
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
          ? completed(cur, now, result)
          : step(cur, now).awaitingChildren(true).result(result).build();
    }
  }

  /**
   * The job fails for good: its last attempt failed, a dependency failed, or it was interrupted.
   */
  public record Fail(String error) implements Cause {
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
  public record Requeue(String error, Instant runAt, String message, Double eta) implements Cause {
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

  /** A job taken by a worker that never started it goes back, keeping its attempt. */
  public record Release(Double eta) implements Cause {
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
      return queued(cur, now, eta).runAt(null).build();
    }
  }

  /** A user's retry of a failed or cancelled job: a new attempt from scratch. */
  public record Retry(Double eta) implements Cause {
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
  public record AddChild(String childId) implements Cause {
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
  public record Rollup(
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
  public record Orphan() implements Cause {
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

  /** A computed change: {@code next} replaces {@code prev} (version + 1). */
  public static final class Change {
    private final Job prev;
    private final Job next;

    private Change(Job prev, Job next) {
      this.prev = prev;
      this.next = next;
    }

    public Job prev() {
      return prev;
    }

    public Job next() {
      return next;
    }

    public boolean statusChanged() {
      return prev.status() != next.status();
    }
  }

  private static final Set<JobStatus> QUEUED = Set.of(JobStatus.QUEUED);
  private static final Set<JobStatus> RUNNING = Set.of(JobStatus.RUNNING);
  private static final Set<JobStatus> ACTIVE = Set.of(JobStatus.QUEUED, JobStatus.RUNNING);
  private static final Set<JobStatus> ENDED_BADLY = Set.of(JobStatus.FAILED, JobStatus.CANCELLED);

  /** Whether {@code cause} applies to {@code cur} (its status, and the cause's own conditions). */
  public static boolean allows(Job cur, Cause cause) {
    return refusal(cur, cause) == null;
  }

  /**
   * The change {@code cause} makes to {@code cur} at {@code now}, or null when it changes nothing
   * (a cancel already requested, a child already added).
   *
   * @throws IllegalJobTransitionException when the cause does not apply to the job
   */
  public static Change apply(Job cur, Cause cause, Instant now) {
    String refused = refusal(cur, cause);
    if (refused != null) {
      throw new IllegalJobTransitionException(cur.id(), cur.status(), cause.target(cur), refused);
    }
    Job next = cause.next(cur, now);
    if (next == null) {
      return null;
    }
    if (next.status() != cur.status() && !cur.status().canMoveTo(next.status())) {
      throw new IllegalJobTransitionException(cur.id(), cur.status(), next.status(), null);
    }
    return new Change(cur, next);
  }

  private static String refusal(Job cur, Cause cause) {
    if (!cause.from().contains(cur.status())) {
      return cause.wrongStatus(cur);
    }
    return cause.refusal(cur);
  }

  /** The copy every change starts from: version + 1, updated now. */
  private static Job.Builder step(Job cur, Instant now) {
    return cur.toBuilder().version(cur.version() + 1).updatedAt(now);
  }

  private static Job.Builder ended(Job.Builder b, Job cur, Instant now, JobStatus status) {
    b.status(status).completedAt(now).etaSeconds(null).awaitingChildren(false);
    if (cur.startedAt() == null && status == JobStatus.COMPLETED) {
      b.startedAt(now);
    }
    return b;
  }

  /** The fields every move back to queued resets. */
  private static Job.Builder queued(Job cur, Instant now, Double eta) {
    return step(cur, now)
        .status(JobStatus.QUEUED)
        .startedAt(null)
        .completedAt(null)
        .progress(0.0)
        .progressMessage(null)
        .currentStep(null)
        .owner(null)
        .leaseExpiresAt(null)
        .cancelRequested(false)
        .awaitingChildren(false)
        .etaSeconds(eta);
  }

  // The two snapshots every job goes through are made with the record's constructor: a builder
  // copy per transition was a sixth of the bytes a no-op job allocates.

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
        q.awaitingChildren());
  }

  private static Job completed(Job r, Instant now, Map<String, Object> result) {
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
        false);
  }
}
