package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stats from the store, so that they are right for every instance sharing it: counts from the
 * store's aggregate, durations and throughput from the most recent finished jobs.
 */
final class StatsCalculator {
  static final int SAMPLE = 1_000;

  private StatsCalculator() {}

  static JobStats compute(JobStore store, String userId, Instant now) {
    Map<String, Map<JobStatus, Long>> byType = new TreeMap<>();
    Map<JobStatus, Long> byStatus = new EnumMap<>(JobStatus.class);
    for (JobStatus s : JobStatus.values()) {
      byStatus.put(s, 0L);
    }
    store
        .countByTypeAndStatus(userId)
        .forEach(
            (type, counts) -> {
              Map<JobStatus, Long> copy = new EnumMap<>(JobStatus.class);
              copy.putAll(counts);
              byType.put(type, Collections.unmodifiableMap(copy));
              counts.forEach((s, n) -> byStatus.merge(s, n, Long::sum));
            });
    List<Job> recent =
        store.query(
            JobQuery.builder()
                .status(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)
                .userId(userId)
                .limit(SAMPLE)
                .build());
    List<Double> run = new ArrayList<>();
    List<Double> wait = new ArrayList<>();
    long lastMinute = 0;
    long last15 = 0;
    Instant oldest = now;
    for (Job j : recent) {
      if (j.startedAt() != null && j.completedAt() != null) {
        run.add(seconds(j.startedAt(), j.completedAt()));
      }
      if (j.startedAt() != null) {
        wait.add(seconds(j.createdAt(), j.startedAt()));
      }
      Instant end = j.completedAt();
      if (end != null) {
        if (end.isAfter(now.minusSeconds(60))) {
          lastMinute++;
        }
        if (end.isAfter(now.minusSeconds(900))) {
          last15++;
          if (end.isBefore(oldest)) {
            oldest = end;
          }
        }
      }
    }
    // Over the last 15 minutes, or since the oldest sampled end when the sample is younger.
    double minutes = Math.max(1.0, Math.min(15.0, seconds(oldest, now) / 60.0));
    return new JobStats(
        Collections.unmodifiableMap(byStatus),
        Collections.unmodifiableMap(byType),
        durations(run),
        durations(wait),
        lastMinute,
        Math.round(last15 / minutes * 100.0) / 100.0,
        recent.size());
  }

  private static double seconds(Instant a, Instant b) {
    return Duration.between(a, b).toNanos() / 1e9;
  }

  static JobStats.Durations durations(List<Double> values) {
    if (values.isEmpty()) {
      return new JobStats.Durations(0, 0, 0);
    }
    Collections.sort(values);
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return new JobStats.Durations(
        round(sum / values.size()),
        round(percentile(values, 0.50)),
        round(percentile(values, 0.95)));
  }

  /** Nearest-rank percentile of sorted values. */
  private static double percentile(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
