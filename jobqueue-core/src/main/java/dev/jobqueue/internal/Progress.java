package dev.jobqueue.internal;

import dev.jobqueue.Job;
import java.time.Duration;
import java.time.Instant;

/** Argument checks and the ETA estimate shared by managed and tracked progress reports. */
final class Progress {
  private Progress() {}

  static void checkFraction(String jobId, double fraction) {
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException(
          "progress of job " + jobId + " must be between 0.0 and 1.0, got " + fraction);
    }
  }

  static void checkSteps(String jobId, int current, int total) {
    if (total <= 0 || current < 0 || current > total) {
      throw new IllegalArgumentException(
          "progress of job "
              + jobId
              + " needs 0 <= current <= total and total > 0, got "
              + current
              + "/"
              + total);
    }
  }

  /**
   * Seconds left, from the rate so far (elapsed × (1 − p) / p); before any progress, the type's
   * mean run time minus the elapsed time; null when neither is known.
   */
  static Double eta(Job running, double progress, Instant now, Double typeMeanSeconds) {
    if (running.startedAt() == null) {
      return typeMeanSeconds;
    }
    double elapsed = Duration.between(running.startedAt(), now).toNanos() / 1e9;
    if (progress >= 1.0) {
      return 0.0;
    }
    if (progress > 0.0) {
      return round(elapsed * (1.0 - progress) / progress);
    }
    return typeMeanSeconds == null ? null : round(Math.max(0.0, typeMeanSeconds - elapsed));
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10.0) / 10.0;
  }
}
