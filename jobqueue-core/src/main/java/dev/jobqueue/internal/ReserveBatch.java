package dev.jobqueue.internal;

import java.time.Duration;
import java.time.Instant;

/**
 * How many jobs to reserve per store call. One per worker, so that no job waits reserved while
 * another queue or a higher-priority job could have it; doubled, up to the configured maximum, each
 * time the workers started the whole previous batch within {@link #FAST}: short jobs then cost one
 * reservation per batch instead of one per job, and a job submitted after a reservation waits
 * behind at most one batch that the workers empty in about that time. Called under the claim lock,
 * with the queue's clock.
 */
final class ReserveBatch {
  /** A batch started this quickly was too small. */
  static final Duration FAST = Duration.ofMillis(20);

  /**
   * The same on a shared store, where every batch costs two commits (its reservation and its
   * starts) before its first job runs: a few milliseconds each, which a 20 ms bound would count
   * against the jobs.
   */
  static final Duration FAST_SHARED = Duration.ofMillis(100);

  private final Duration fast;
  private final int base;
  private final int max;
  private int size;
  private Instant last;

  ReserveBatch(int workers, int max, Duration fast) {
    this.fast = fast;
    this.max = max;
    this.base = Math.max(1, Math.min(workers, max));
    this.size = base;
  }

  /** The store had nothing to reserve: the next batch, after an idle spell, starts small again. */
  void nothingReserved() {
    last = null;
  }

  /** Whether batches grew beyond one per worker: the jobs are short. */
  boolean grown() {
    return size > base;
  }

  /** The size of the batch to reserve now; the previous one was started by now. */
  int next(Instant now) {
    if (last != null && Duration.between(last, now).compareTo(fast) < 0) {
      size = Math.min(max, size * 2);
    } else {
      size = base;
    }
    last = now;
    return size;
  }
}
