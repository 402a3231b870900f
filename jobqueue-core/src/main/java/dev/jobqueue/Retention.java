package dev.jobqueue;

import java.time.Duration;
import java.util.Objects;

/**
 * How long finished jobs are kept: terminal jobs older than {@code maxAge}, and terminal jobs
 * beyond the newest {@code keepLast}, are purged by the queue's cleaner every {@code interval}.
 */
public record Retention(Duration maxAge, int keepLast, Duration interval) {
  /** 24 hours, at most 10,000 finished jobs, checked every minute. */
  public static final Retention DEFAULT =
      new Retention(Duration.ofHours(24), 10_000, Duration.ofMinutes(1));

  public Retention {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(interval, "interval");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("retention maxAge must be positive, got " + maxAge);
    }
    if (keepLast < 0) {
      throw new IllegalArgumentException(
          "retention keepLast must not be negative, got " + keepLast);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("retention interval must be positive, got " + interval);
    }
  }
}
