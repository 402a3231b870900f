package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.JobHandler;
import dev.jobqueue.JobQueueBuilder;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.Retention;
import dev.jobqueue.RetryBackoff;
import dev.jobqueue.spring.boot.JobQueueProperties;
import java.time.Duration;
import java.util.Map;

/**
 * The queue options the {@code jobqueue.*} properties resolve to, unset ones filled with the
 * library's defaults. A bean, so that the effective settings can be inspected.
 */
public record JobQueueSettings(
    int workers,
    int defaultMaxAttempts,
    RecoveryPolicy recoveryPolicy,
    Duration shutdownTimeout,
    Retention retention,
    RetryBackoff retryBackoff) {

  /**
   * @throws IllegalArgumentException naming the property when a value is out of range
   */
  public static JobQueueSettings from(JobQueueProperties p) {
    JobQueueProperties.Retention r = p.getRetention();
    JobQueueProperties.RetryBackoff b = p.getRetryBackoff();
    Retention dr = Retention.DEFAULT;
    RetryBackoff db = RetryBackoff.DEFAULT;
    return new JobQueueSettings(
        or(p.getWorkers(), JobQueueBuilder.DEFAULT_WORKERS),
        or(p.getDefaultMaxAttempts(), JobQueueBuilder.DEFAULT_MAX_ATTEMPTS),
        or(p.getRecoveryPolicy(), RecoveryPolicy.FAIL),
        or(p.getShutdownTimeout(), JobQueueBuilder.DEFAULT_SHUTDOWN_TIMEOUT),
        property(
            "jobqueue.retention",
            () ->
                new Retention(
                    or(r.getMaxAge(), dr.maxAge()),
                    or(r.getKeepLast(), dr.keepLast()),
                    or(r.getInterval(), dr.interval()))),
        property(
            "jobqueue.retry-backoff",
            () ->
                new RetryBackoff(
                    or(b.getInitial(), db.initial()),
                    or(b.getMultiplier(), db.multiplier()),
                    or(b.getMax(), db.max()))));
  }

  /** Sets these options and the handlers on {@code builder}. */
  public void apply(
      JobQueueBuilder builder, Map<String, JobHandler> handlers, HandlerDecorator decorator) {
    property("jobqueue.workers", () -> builder.workers(workers));
    property("jobqueue.default-max-attempts", () -> builder.defaultMaxAttempts(defaultMaxAttempts));
    property("jobqueue.shutdown-timeout", () -> builder.shutdownTimeout(shutdownTimeout));
    builder.recoveryPolicy(recoveryPolicy).retention(retention).retryBackoff(retryBackoff);
    handlers.forEach((type, handler) -> builder.handler(type, decorator.decorate(type, handler)));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  private static <T> T property(String name, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      // the message names the property; the library's own message says what is wrong with it
      throw new IllegalArgumentException(name + ": " + e.getMessage());
    }
  }
}
