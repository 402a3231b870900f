package dev.jobqueue.internal;

import dev.jobqueue.JobHandler;
import dev.jobqueue.MissedRunPolicy;
import dev.jobqueue.RateLimit;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.Retention;
import dev.jobqueue.RetryBackoff;
import dev.jobqueue.spi.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;

/** The immutable configuration a builder produces. */
public record QueueConfig(
    JobStore store,
    int workers,
    Executor executor,
    Map<String, JobHandler> handlers,
    Map<String, Integer> concurrency,
    Map<String, RateLimit> rateLimits,
    RetryBackoff backoff,
    int defaultMaxAttempts,
    Retention retention,
    Clock clock,
    RecoveryPolicy recoveryPolicy,
    Duration shutdownTimeout,
    Duration lease,
    Duration pollInterval,
    int listenerBuffer,
    String instanceId,
    int reserveBatch,
    Map<String, Duration> timeouts,
    Duration trackedInactivityTimeout,
    MissedRunPolicy missedRuns) {}
