package dev.jobqueue.spi;

import dev.jobqueue.StoreException;

/**
 * A write would make two queued or running jobs of one user share a {@link
 * dev.jobqueue.Job#uniqueKey() unique key}; nothing was written.
 */
public class UniqueKeyConflictException extends StoreException {
  private final String holderJobId;

  /**
   * @param uniqueKey the key in conflict
   * @param holderJobId the queued or running job that holds it
   */
  public UniqueKeyConflictException(String uniqueKey, String holderJobId) {
    super(
        "unique key '"
            + uniqueKey
            + "' is held by job "
            + holderJobId
            + ", which is still queued or running");
    this.holderJobId = holderJobId;
  }

  /** The same conflict with the stack of the caller that rethrows it (a store's worker thread). */
  public UniqueKeyConflictException(UniqueKeyConflictException cause) {
    super(cause.getMessage(), cause);
    this.holderJobId = cause.holderJobId;
  }

  /** The queued or running job that holds the key. */
  public String holderJobId() {
    return holderJobId;
  }
}
