package dev.jobqueue.spi;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import java.util.Objects;

/**
 * A change another instance committed, delivered by a {@link ChangeFeed}.
 *
 * @param kind created, updated or deleted
 * @param job the snapshot it stored (for a deletion: the last one)
 * @param statusChanged false only when the change is known to touch progress alone (it may then be
 *     coalesced with later ones of the job)
 */
public record StoreChange(JobEvent.Kind kind, Job job, boolean statusChanged) {
  public StoreChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(job, "job");
  }
}
