package dev.jobqueue;

import java.time.Duration;
import java.util.Objects;

/** At most {@code permits} starts of one job type in any window of {@code period}. */
public record RateLimit(int permits, Duration period) {
  public RateLimit {
    Objects.requireNonNull(period, "period");
    if (permits < 1) {
      throw new IllegalArgumentException("rate limit permits must be at least 1, got " + permits);
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("rate limit period must be positive, got " + period);
    }
  }
}
