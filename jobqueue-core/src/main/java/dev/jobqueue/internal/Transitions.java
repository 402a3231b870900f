package dev.jobqueue.internal;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;

/**
 * Every change of a job: the next snapshot from the current one, a {@link Cause} and the clock.
 * Pure and thread-free. It enforces DESIGN's state machine ({@link JobStatus#canMoveTo}): each
 * cause names the statuses it may start from, and a status move the table forbids is refused
 * whatever the cause computed. The queue writes only {@link Change}s, which only this class makes,
 * so no write path can store a move the state machine forbids.
 */
public final class Transitions {
  private Transitions() {}

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
  static Job.Builder step(Job cur, Instant now) {
    return cur.toBuilder().version(cur.version() + 1).updatedAt(now);
  }

  static Job.Builder ended(Job.Builder b, Job cur, Instant now, JobStatus status) {
    b.status(status).completedAt(now).etaSeconds(null).awaitingChildren(false);
    if (cur.startedAt() == null && status == JobStatus.COMPLETED) {
      b.startedAt(now);
    }
    return b;
  }

  /** The fields every move back to queued resets. */
  static Job.Builder queued(Job cur, Instant now, Double eta) {
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
}
