package dev.jobqueue.spi;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import java.util.Objects;

/**
 * A change committed to a shared store, delivered by a {@link ChangeFeed}.
 *
 * @param kind created, updated or deleted
 * @param job the snapshot it stored (for a deletion: the last one)
 * @param statusChanged false only when the change is known to touch progress alone (it may then be
 *     coalesced with later ones of the job)
 * @param sequence the change's id in the store, the same on every instance ({@link #NO_SEQUENCE}
 *     when the feed has none); only a feed that {@linkplain ChangeFeed#deliversAllChanges()
 *     delivers every change} sets it
 * @param own whether this store instance made the change itself (only such a feed delivers those)
 */
public record StoreChange(
    JobEvent.Kind kind, Job job, boolean statusChanged, long sequence, boolean own) {

  /** The {@link #sequence} of a change from a feed without store-wide ids. */
  public static final long NO_SEQUENCE = -1;

  public StoreChange {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(job, "job");
  }

  /** Another instance's change, without a store-wide id. */
  public StoreChange(JobEvent.Kind kind, Job job, boolean statusChanged) {
    this(kind, job, statusChanged, NO_SEQUENCE, false);
  }
}
