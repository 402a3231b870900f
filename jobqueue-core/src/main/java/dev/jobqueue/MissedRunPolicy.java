package dev.jobqueue;

/**
 * What a recurring schedule does about occurrences that passed while no queue was running (or while
 * its queues were too busy to look): set with {@link JobQueueBuilder#missedRuns}.
 */
public enum MissedRunPolicy {
  /**
   * One job for all the occurrences missed, submitted at once; the schedule then goes on from the
   * next occurrence after now. Nightly work missed during a downtime runs once when the queue is
   * back, not once per missed night. The default.
   */
  RUN_ONCE,
  /**
   * Missed occurrences are dropped; the schedule goes on from the next occurrence after now. An
   * occurrence counts as missed when it is more than a minute (or two poll intervals, if longer)
   * overdue.
   */
  SKIP
}
