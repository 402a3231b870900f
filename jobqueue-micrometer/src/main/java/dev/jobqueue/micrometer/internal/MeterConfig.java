package dev.jobqueue.micrometer.internal;

import io.micrometer.core.instrument.Tags;
import java.time.Duration;

/**
 * The binder's options, fixed at build time.
 *
 * @param tags added to every meter
 * @param maxTypes distinct {@code type} tag values before further types share {@code other}
 * @param percentiles client-side percentiles of the timers (none when empty)
 * @param percentileHistogram whether the timers publish histogram buckets
 * @param statsRefresh how long job counts read from the queue are reused
 */
public record MeterConfig(
    Tags tags,
    int maxTypes,
    double[] percentiles,
    boolean percentileHistogram,
    Duration statsRefresh) {}
