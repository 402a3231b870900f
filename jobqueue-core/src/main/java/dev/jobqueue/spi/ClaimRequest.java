package dev.jobqueue.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Parameters of {@link JobStore#reserve}.
 *
 * @param types job types that may be reserved (those with a handler and free capacity)
 * @param now the queue's clock
 * @param owner id of the reserving queue instance
 * @param leaseUntil the reservation lapses at this instant unless renewed
 * @param max at most this many jobs (at least 1)
 */
public record ClaimRequest(
    Set<String> types, Instant now, String owner, Instant leaseUntil, int max) {
  /** A request for one job. */
  public ClaimRequest(Set<String> types, Instant now, String owner, Instant leaseUntil) {
    this(types, now, owner, leaseUntil, 1);
  }

  public ClaimRequest {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
  }
}
