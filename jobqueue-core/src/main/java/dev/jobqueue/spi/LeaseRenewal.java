package dev.jobqueue.spi;

import java.util.Objects;
import java.util.Set;

/**
 * The answer of {@link JobStore#renewLeases}: how many leases were renewed, and which of the jobs
 * the caller believes it runs need its attention.
 *
 * @param renewed running jobs of the owner whose lease was extended
 * @param lost jobs of the caller's list that are no longer running under the owner: recovered
 *     (re-queued or failed) and perhaps running elsewhere, ended, or deleted. The caller's attempt
 *     must stop; the store refuses its late writes anyway (compare-and-set on the version).
 * @param cancelRequested jobs of the caller's list, still running under the owner, whose cancel was
 *     asked (by any instance): the caller interrupts their handlers
 */
public record LeaseRenewal(int renewed, Set<String> lost, Set<String> cancelRequested) {
  /** Nothing renewed, nothing to report. */
  public static final LeaseRenewal NONE = new LeaseRenewal(0, Set.of(), Set.of());

  public LeaseRenewal {
    if (renewed < 0) {
      throw new IllegalArgumentException("renewed must not be negative, got " + renewed);
    }
    lost = Set.copyOf(Objects.requireNonNull(lost, "lost"));
    cancelRequested = Set.copyOf(Objects.requireNonNull(cancelRequested, "cancelRequested"));
  }
}
