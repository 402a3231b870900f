package dev.jobqueue;

/**
 * One change of one job, as listeners receive it.
 *
 * @param kind created, updated or deleted
 * @param job the snapshot after the change (for deleted: the last snapshot)
 * @param sequence increases with every event of one queue, and across restarts (it starts at the
 *     start time in epoch milliseconds × 1000); SSE uses it as the event id
 * @param statusChanged whether the status changed (always true for created and deleted); events
 *     where it is false are progress-like and may be coalesced for slow listeners
 */
public record JobEvent(Kind kind, Job job, long sequence, boolean statusChanged) {

  public enum Kind {
    CREATED,
    UPDATED,
    DELETED
  }

  public String jobId() {
    return job.id();
  }
}
