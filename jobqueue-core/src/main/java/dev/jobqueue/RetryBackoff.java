package dev.jobqueue;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff between automatic retries: attempt n+1 waits {@code initial ×
 * multiplier^(n-1)}, capped at {@code max}.
 */
public record RetryBackoff(Duration initial, double multiplier, Duration max) {
  public static final RetryBackoff DEFAULT =
      new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));

  public RetryBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max, got initial " + initial + ", max " + max);
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "backoff multiplier must be a finite number >= 1, got " + multiplier);
    }
  }

  /** The wait before the attempt that follows failed attempt {@code failedAttempt} (1-based). */
  public Duration delayAfter(int failedAttempt) {
    double nanos = initial.toNanos() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
    return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
  }
}
