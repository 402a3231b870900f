package dev.jobqueue.internal;

import dev.jobqueue.Job;
import java.time.Duration;
import java.util.Map;

/**
 * How long a job may go on: a managed attempt's run time, or a tracked job's time without a report.
 * The job's own timeout wins, then the type's, then (tracked jobs) the queue's inactivity default.
 */
final class Timeouts {
  private final Map<String, Duration> byType;
  private final Duration trackedDefault;

  Timeouts(Map<String, Duration> byType, Duration trackedDefault) {
    this.byType = byType;
    this.trackedDefault = trackedDefault;
  }

  /** The timeout of {@code job}, or null for none. */
  Duration of(Job job) {
    if (job.timeout() != null) {
      return job.timeout();
    }
    Duration t = byType.get(job.type());
    return t == null && job.tracked() ? trackedDefault : t;
  }

  /** "2 s", "1.5 s", "3 min" for messages. */
  static String human(Duration d) {
    if (d.toMillis() >= 120_000 && d.toMillis() % 60_000 == 0) {
      return d.toMinutes() + " min";
    }
    double s = d.toMillis() / 1000.0;
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.format("%.1f", s)) + " s";
  }
}
