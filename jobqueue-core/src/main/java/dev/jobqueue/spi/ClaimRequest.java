package dev.jobqueue.spi;

import java.time.Instant;
import java.util.Map;
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
 * @param concurrencyLimits per type, the most jobs of that type that may be running or reserved at
 *     once. The queue counts its own; a shared store ({@link JobStore#isShared()}) must also count
 *     those of every other instance and reserve none of a type that is full. Empty: no limits.
 */
public record ClaimRequest(
    Set<String> types,
    Instant now,
    String owner,
    Instant leaseUntil,
    int max,
    Map<String, Integer> concurrencyLimits) {
  /** A request for one job. */
  public ClaimRequest(Set<String> types, Instant now, String owner, Instant leaseUntil) {
    this(types, now, owner, leaseUntil, 1);
  }

  /** A request without concurrency limits. */
  public ClaimRequest(Set<String> types, Instant now, String owner, Instant leaseUntil, int max) {
    this(types, now, owner, leaseUntil, max, Map.of());
  }

  public ClaimRequest {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    concurrencyLimits = Map.copyOf(concurrencyLimits);
  }
}
