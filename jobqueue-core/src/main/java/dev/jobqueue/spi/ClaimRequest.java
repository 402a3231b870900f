package dev.jobqueue.spi;

import dev.jobqueue.Job;
import dev.jobqueue.internal.Cause;
import dev.jobqueue.internal.Transitions;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Parameters of {@link JobStore#claim}.
 *
 * @param types job types that may be claimed (those with a handler and free capacity)
 * @param now the queue's clock
 * @param owner id of the claiming queue instance
 * @param leaseUntil the claim lapses at this instant unless renewed
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

  /** The running snapshot a store stores for a queued job it claims under this request. */
  public Job claimed(Job queued) {
    return Transitions.apply(queued, new Cause.Claim(owner, leaseUntil), now).next();
  }
}
