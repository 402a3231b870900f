package dev.jobqueue;

/** What happens to a job that was running when its process died (or stopped renewing its lease). */
public enum RecoveryPolicy {
  /** Mark it failed with {@link Job#INTERRUPTED_ERROR}. The default: nothing runs twice unasked. */
  FAIL,
  /**
   * Queue it again (attempt + 1) while attempts remain; otherwise fail it as {@link #FAIL} does.
   */
  REQUEUE
}
