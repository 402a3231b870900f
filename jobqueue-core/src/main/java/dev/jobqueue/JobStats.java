package dev.jobqueue;

import java.util.Map;

/**
 * Counts and durations, as {@code GET /api/jobs/stats} shows them.
 *
 * @param byStatus number of jobs per status
 * @param byType number of jobs per type and status
 * @param runSeconds how long finished jobs ran (started → completed)
 * @param waitSeconds how long finished jobs waited (created → started)
 * @param completedLastMinute jobs that reached a terminal status in the last minute
 * @param completedPerMinute mean terminal jobs per minute over the last 15 minutes
 * @param sampleSize how many recent finished jobs the durations are computed from
 */
public record JobStats(
    Map<JobStatus, Long> byStatus,
    Map<String, Map<JobStatus, Long>> byType,
    Durations runSeconds,
    Durations waitSeconds,
    long completedLastMinute,
    double completedPerMinute,
    int sampleSize) {

  /** Mean, median and 95th percentile in seconds; all zero when there is no sample. */
  public record Durations(double mean, double p50, double p95) {}
}
