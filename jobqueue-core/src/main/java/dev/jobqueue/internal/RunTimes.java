package dev.jobqueue.internal;

import dev.jobqueue.Job;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mean run time per job type, for ETAs: an exponential moving average, so recent runs weigh more.
 * Read on every submit and progress report, written on every completion.
 */
final class RunTimes {
  private final ConcurrentHashMap<String, RunTime> byType = new ConcurrentHashMap<>();

  private static final class RunTime {
    private volatile double mean = Double.NaN;

    synchronized void add(double seconds) {
      double m = mean;
      mean = Double.isNaN(m) ? seconds : m * 0.8 + seconds * 0.2;
    }
  }

  /** Counts the run of a job that completed. */
  void record(Job done) {
    Instant start = done.startedAt();
    Instant end = done.completedAt();
    if (start == null || end == null) {
      return;
    }
    double seconds =
        (end.getEpochSecond() - start.getEpochSecond()) + (end.getNano() - start.getNano()) / 1e9;
    RunTime t = byType.get(done.type());
    if (t == null) {
      t = byType.computeIfAbsent(done.type(), k -> new RunTime());
    }
    t.add(seconds);
  }

  /** The mean run time of {@code type} in seconds (one decimal), or null before its first run. */
  Double mean(String type) {
    RunTime t = byType.get(type);
    if (t == null) {
      return null;
    }
    double mean = t.mean;
    return Double.isNaN(mean) ? null : Math.round(mean * 10.0) / 10.0;
  }
}
