package dev.jobqueue;

import dev.jobqueue.internal.DefaultJobQueue;
import dev.jobqueue.internal.QueueConfig;
import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Configures a {@link JobQueue}. Options are checked when set; rules across options when {@link
 * #build()} is called. Defaults are the {@code DEFAULT_*} constants.
 */
public final class JobQueueBuilder {
  public static final int DEFAULT_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
  public static final int DEFAULT_MAX_ATTEMPTS = 1;
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  public static final int DEFAULT_LISTENER_BUFFER = 10_000;
  public static final int DEFAULT_RESERVE_BATCH = 64;

  private JobStore store;
  private int workers = DEFAULT_WORKERS;
  private Executor executor;
  private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
  private final Map<String, Integer> concurrency = new LinkedHashMap<>();
  private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();
  private RetryBackoff backoff = RetryBackoff.DEFAULT;
  private int defaultMaxAttempts = DEFAULT_MAX_ATTEMPTS;
  private Retention retention = Retention.DEFAULT;
  private Clock clock = Clock.systemUTC();
  private RecoveryPolicy recoveryPolicy = RecoveryPolicy.FAIL;
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private Duration lease = DEFAULT_LEASE;
  private Duration pollInterval = DEFAULT_POLL_INTERVAL;
  private int listenerBuffer = DEFAULT_LISTENER_BUFFER;
  private String instanceId;
  private int reserveBatch = DEFAULT_RESERVE_BATCH;
  private boolean reserveBatchSet;
  private final Map<String, Duration> timeouts = new LinkedHashMap<>();
  private Duration trackedInactivityTimeout;
  private MissedRunPolicy missedRuns = MissedRunPolicy.RUN_ONCE;

  JobQueueBuilder() {}

  /** Where jobs are kept; an {@link InMemoryJobStore} when not set. The queue does not close it. */
  public JobQueueBuilder store(JobStore store) {
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /** Number of worker threads ({@code jobqueue-worker-N}); 0 for a queue that only tracks. */
  public JobQueueBuilder workers(int workers) {
    if (workers < 0) {
      throw new IllegalArgumentException("workers must not be negative, got " + workers);
    }
    this.workers = workers;
    return this;
  }

  /**
   * Runs the worker loops on this executor instead of threads of the queue's own. It must be able
   * to run {@link #workers(int)} long-running tasks at once. The queue never shuts it down.
   */
  public JobQueueBuilder executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /** Registers the handler of {@code type}. */
  public JobQueueBuilder handler(String type, JobHandler handler) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("a handler's job type must not be null or blank");
    }
    Objects.requireNonNull(handler, "handler");
    if (handlers.putIfAbsent(type, handler) != null) {
      throw new IllegalArgumentException(
          "a handler for job type '" + type + "' is already registered");
    }
    return this;
  }

  /** At most {@code maxRunning} jobs of {@code type} run at once (across this queue's workers). */
  public JobQueueBuilder concurrency(String type, int maxRunning) {
    if (maxRunning < 1) {
      throw new IllegalArgumentException(
          "concurrency limit of '" + type + "' must be at least 1, got " + maxRunning);
    }
    concurrency.put(Objects.requireNonNull(type, "type"), maxRunning);
    return this;
  }

  /** At most {@code permits} starts of {@code type} per {@code period}. */
  public JobQueueBuilder rateLimit(String type, int permits, Duration period) {
    rateLimits.put(Objects.requireNonNull(type, "type"), new RateLimit(permits, period));
    return this;
  }

  public JobQueueBuilder retryBackoff(RetryBackoff backoff) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    return this;
  }

  /** Attempts of a job whose request does not say; 1 (no automatic retry) by default. */
  public JobQueueBuilder defaultMaxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("defaultMaxAttempts must be at least 1, got " + attempts);
    }
    this.defaultMaxAttempts = attempts;
    return this;
  }

  public JobQueueBuilder retention(Retention retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    return this;
  }

  public JobQueueBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** What happens to jobs found running after a crash; {@link RecoveryPolicy#FAIL} by default. */
  public JobQueueBuilder recoveryPolicy(RecoveryPolicy policy) {
    this.recoveryPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** How long {@link JobQueue#close()} waits for running jobs before cancelling them. */
  public JobQueueBuilder shutdownTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "shutdownTimeout must be zero or positive, got " + timeout);
    }
    this.shutdownTimeout = timeout;
    return this;
  }

  /**
   * How long a running job's lease, and a reservation, stay valid without renewal (matters for
   * shared stores); renewed every third of it.
   */
  public JobQueueBuilder lease(Duration lease) {
    if (lease == null || lease.toMillis() < 100) {
      throw new IllegalArgumentException("lease must be at least 100 ms, got " + lease);
    }
    this.lease = lease;
    return this;
  }

  /**
   * What recurring schedules do about runs missed while no queue was running: {@link
   * MissedRunPolicy#RUN_ONCE} (the default) or {@link MissedRunPolicy#SKIP}.
   */
  public JobQueueBuilder missedRuns(MissedRunPolicy policy) {
    this.missedRuns = java.util.Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** How often idle workers look for work they were not told about (other processes, timers). */
  public JobQueueBuilder pollInterval(Duration interval) {
    if (interval == null || interval.toMillis() < 1) {
      throw new IllegalArgumentException("pollInterval must be at least 1 ms, got " + interval);
    }
    this.pollInterval = interval;
    return this;
  }

  /** Events buffered per listener before progress events are dropped in favour of status ones. */
  public JobQueueBuilder listenerBuffer(int events) {
    if (events < 16) {
      throw new IllegalArgumentException("listenerBuffer must be at least 16, got " + events);
    }
    this.listenerBuffer = events;
    return this;
  }

  /** This queue instance's id, recorded as the owner of the jobs it runs; random by default. */
  public JobQueueBuilder instanceId(String id) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("instanceId must not be blank");
    }
    this.instanceId = id;
    return this;
  }

  /**
   * The most jobs the workers reserve in one store call ({@value #DEFAULT_RESERVE_BATCH} by
   * default). A reserved job stays queued for users and listeners until a worker starts it. The
   * workers reserve one job each, and double that (up to this maximum) only while they start a
   * whole batch within 20 ms: short jobs then cost one store call per batch, and a job submitted
   * after a reservation — even one of higher priority — waits behind at most one batch. Queues with
   * concurrency or rate limits reserve one job at a time.
   */
  public JobQueueBuilder reserveBatch(int max) {
    if (max < 1 || max > 1000) {
      throw new IllegalArgumentException("reserveBatch must be between 1 and 1000, got " + max);
    }
    this.reserveBatch = max;
    this.reserveBatchSet = true;
    return this;
  }

  /**
   * Jobs of {@code type} time out: a managed attempt running longer is cancelled (flag + interrupt)
   * and fails "timed out after …", retried while attempts remain (a handler that ignores the
   * interrupt loses its worker thread, which is replaced, and the job ends anyway 1 s later); a
   * tracked job of this type that reports nothing for this long fails. A request's own {@link
   * JobRequest.Builder#timeout} wins. No timeout by default.
   */
  public JobQueueBuilder timeout(String type, Duration timeout) {
    timeouts.put(Objects.requireNonNull(type, "type"), positive(timeout, "timeout of " + type));
    return this;
  }

  /**
   * Tracked jobs whose host reports nothing for this long fail ("no report from the host …"),
   * checked every third of the {@link #lease}; off by default. Per type: {@link #timeout}.
   */
  public JobQueueBuilder trackedInactivityTimeout(Duration timeout) {
    this.trackedInactivityTimeout = positive(timeout, "trackedInactivityTimeout");
    return this;
  }

  private static Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
    return d;
  }

  /** Builds and starts the queue: recovers interrupted jobs, then starts the workers. */
  public JobQueue build() {
    for (String type : concurrency.keySet()) {
      requireHandler(type, "concurrency limit");
    }
    for (String type : rateLimits.keySet()) {
      requireHandler(type, "rate limit");
    }
    if (reserveBatchSet && reserveBatch > 1 && (!concurrency.isEmpty() || !rateLimits.isEmpty())) {
      throw new IllegalArgumentException(
          "reserveBatch("
              + reserveBatch
              + ") cannot be combined with concurrency or rate limits (set for "
              + new java.util.TreeSet<>(
                  java.util.stream.Stream.concat(
                          concurrency.keySet().stream(), rateLimits.keySet().stream())
                      .toList())
              + "): limited types are reserved one at a time; drop reserveBatch or the limits");
    }
    if (lease.compareTo(Duration.ofMillis(300)) < 0 && store != null && store.isShared()) {
      throw new IllegalArgumentException("a shared store needs a lease of at least 300 ms");
    }
    QueueConfig config =
        new QueueConfig(
            store == null ? new InMemoryJobStore() : store,
            workers,
            executor,
            Map.copyOf(handlers),
            Map.copyOf(concurrency),
            Map.copyOf(rateLimits),
            backoff,
            defaultMaxAttempts,
            retention,
            clock,
            recoveryPolicy,
            shutdownTimeout,
            lease,
            pollInterval,
            listenerBuffer,
            instanceId == null ? DefaultJobQueue.randomInstanceId() : instanceId,
            reserveBatch,
            Map.copyOf(timeouts),
            trackedInactivityTimeout,
            missedRuns);
    return DefaultJobQueue.start(config);
  }

  private void requireHandler(String type, String what) {
    if (!handlers.containsKey(type)) {
      throw new IllegalArgumentException(
          "a " + what + " is set for job type '" + type + "', which has no handler");
    }
  }
}
