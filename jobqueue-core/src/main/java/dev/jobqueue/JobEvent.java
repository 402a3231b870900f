package dev.jobqueue;

/**
 * One change of one job, as listeners receive it.
 *
 * @param kind created, updated or deleted
 * @param job the snapshot after the change (for deleted: the last snapshot)
 * @param sequence the event's id; SSE uses it as the event id. With a store of one process (memory,
 *     SQLite) it increases with every event of one queue, and across restarts (it starts at the
 *     start time in epoch milliseconds × 1000). With a shared store whose change feed delivers
 *     every change (PostgreSQL) it is the database's id of the change, the same on every instance,
 *     and events arrive in the database's commit order, which every instance shares: each job's
 *     events in version order, but the ids are not necessarily increasing
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
