package dev.jobqueue.micrometer;

import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStatus;
import dev.jobqueue.Subscription;
import dev.jobqueue.micrometer.internal.EventRecorder;
import dev.jobqueue.micrometer.internal.MeterConfig;
import dev.jobqueue.micrometer.internal.StatsCache;
import dev.jobqueue.micrometer.internal.TypeTags;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer meters for a {@link JobQueue}, built from its public API only: the counts of {@link
 * JobQueue#stats}, and the events of a {@link JobQueue#subscribe subscription} of its own.
 *
 * <pre>{@code
 * JobQueueMetrics metrics = JobQueueMetrics.builder(queue).percentiles(0.5, 0.95).build();
 * metrics.bindTo(registry);
 * ...
 * metrics.close(); // before the queue: ends the subscription
 * }</pre>
 *
 * <table>
 * <caption>Meters (every one also carries the builder's tags)</caption>
 * <tr><th>name</th><th>kind</th><th>tags</th></tr>
 * <tr><td>{@code jobqueue.jobs}</td><td>gauge</td><td>type, status</td></tr>
 * <tr><td>{@code jobqueue.jobs.submitted}</td><td>counter</td><td>type</td></tr>
 * <tr><td>{@code jobqueue.jobs.finished}</td><td>counter</td>
 *     <td>type, outcome (completed, failed, cancelled)</td></tr>
 * <tr><td>{@code jobqueue.jobs.retried}</td><td>counter</td><td>type</td></tr>
 * <tr><td>{@code jobqueue.job.wait}</td><td>timer</td><td>type</td></tr>
 * <tr><td>{@code jobqueue.job.duration}</td><td>timer</td>
 *     <td>type, outcome (completed, failed, cancelled, retried)</td></tr>
 * <tr><td>{@code jobqueue.workers.busy}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code jobqueue.listener.backlog}</td><td>gauge</td><td>listener=metrics</td></tr>
 * <tr><td>{@code jobqueue.listener.coalesced}</td><td>function counter</td>
 *     <td>listener=metrics</td></tr>
 * </table>
 *
 * <p>Counters, timers and the busy gauge count what happens after the first {@link #bindTo}; bind
 * when the queue starts. Job types get their own {@code type} tag value in the order they are met
 * (handled types by name at bind time, then types with jobs in the store, then types of new
 * events); those beyond {@link Builder#maxTypes} share the value {@code other}. Wait time runs from
 * when a job was queued, or became due after a delay or a retry backoff, to its start. One binder
 * may be bound to several registries; it subscribes to the queue once.
 */
public final class JobQueueMetrics implements MeterBinder, AutoCloseable {
  public static final int DEFAULT_MAX_TYPES = 50;
  public static final Duration DEFAULT_STATS_REFRESH = Duration.ofSeconds(1);

  private final JobQueue queue;
  private final MeterConfig config;
  private final TypeTags typeTags;
  private final StatsCache stats;
  private final EventRecorder recorder;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private Subscription subscription;
  private boolean closed;

  /** A binder with the defaults: no extra tags, 50 types, no percentiles. */
  public JobQueueMetrics(JobQueue queue) {
    this(builder(queue));
  }

  private JobQueueMetrics(Builder b) {
    this.queue = b.queue;
    this.config =
        new MeterConfig(
            b.tags, b.maxTypes, b.percentiles.clone(), b.percentileHistogram, b.statsRefresh);
    this.typeTags = new TypeTags(b.maxTypes);
    this.stats = new StatsCache(queue, b.statsRefresh);
    this.recorder = new EventRecorder(config, typeTags, this::registerTypeGauges);
  }

  public static Builder builder(JobQueue queue) {
    return new Builder(queue);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("these job queue metrics are closed; build a new binder");
      }
      if (subscription == null) {
        subscription = queue.subscribe(recorder);
      }
      registries.add(registry);
      recorder.addRegistry(registry);
    }
    Subscription sub = subscription;
    Gauge.builder("jobqueue.workers.busy", recorder, EventRecorder::busyWorkers)
        .description("Workers running a job")
        .tags(config.tags())
        .strongReference(true)
        .register(registry);
    Gauge.builder("jobqueue.listener.backlog", sub, Subscription::backlog)
        .description("Events waiting for the listener")
        .tags(config.tags())
        .tag("listener", "metrics")
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder("jobqueue.listener.coalesced", sub, Subscription::coalesced)
        .description("Progress events replaced by a newer one before the listener saw them")
        .tags(config.tags())
        .tag("listener", "metrics")
        .register(registry);
    for (String type : new TreeSet<>(queue.handledTypes())) {
      typeTags.admit(type); // in name order, so the cap keeps the same types on every start
    }
    for (String type : stats.types()) {
      typeTags.admit(type);
    }
    for (String type : typeTags.known()) {
      registerTypeGauges(registry, type);
    }
  }

  /**
   * The sequence of the last event these meters have counted: once it reaches {@link
   * JobQueue#lastSequence()}, every change so far is in the counters and timers.
   */
  public long lastRecordedSequence() {
    return recorder.lastSequence();
  }

  /** Ends the subscription; the meters stay registered but stop changing. Idempotent. */
  @Override
  public void close() {
    Subscription sub;
    synchronized (lock) {
      closed = true;
      sub = subscription;
    }
    if (sub != null) {
      sub.close();
    }
  }

  private void registerTypeGauges(String typeTag) {
    for (MeterRegistry r : registries) {
      registerTypeGauges(r, typeTag);
    }
  }

  private void registerTypeGauges(MeterRegistry registry, String typeTag) {
    for (JobStatus status : JobStatus.values()) {
      Gauge.builder("jobqueue.jobs", stats, s -> s.count(typeTags, typeTag, status))
          .description("Jobs in the store, by type and status")
          .tags(config.tags())
          .tag("type", typeTag)
          .tag("status", status.wireName())
          .strongReference(true)
          .register(registry);
    }
  }

  /** Options of {@link JobQueueMetrics}; each is checked when set. */
  public static final class Builder {
    private final JobQueue queue;
    private Tags tags = Tags.empty();
    private int maxTypes = DEFAULT_MAX_TYPES;
    private double[] percentiles = new double[0];
    private boolean percentileHistogram;
    private Duration statsRefresh = DEFAULT_STATS_REFRESH;

    private Builder(JobQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
    }

    /** Tags added to every meter, for example {@code queue=images} when an app has several. */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    /** Distinct {@code type} tag values; later types share {@code other}. 50 by default. */
    public Builder maxTypes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTypes must be at least 1, got " + max);
      }
      this.maxTypes = max;
      return this;
    }

    /** Percentiles the wait and run timers compute, such as {@code 0.5, 0.95}; none by default. */
    public Builder percentiles(double... percentiles) {
      for (double p : percentiles) {
        if (!(p >= 0.0 && p <= 1.0)) {
          throw new IllegalArgumentException("percentiles must be within 0..1, got " + p);
        }
      }
      this.percentiles = percentiles.clone();
      return this;
    }

    /** Publishes histogram buckets (for server-side percentiles, as in Prometheus); off. */
    public Builder percentileHistogram(boolean publish) {
      this.percentileHistogram = publish;
      return this;
    }

    /** How long the job counts behind {@code jobqueue.jobs} are reused; 1 s, 0 for every read. */
    public Builder statsRefresh(Duration refresh) {
      if (refresh == null || refresh.isNegative()) {
        throw new IllegalArgumentException("statsRefresh must be zero or positive, got " + refresh);
      }
      this.statsRefresh = refresh;
      return this;
    }

    public JobQueueMetrics build() {
      return new JobQueueMetrics(this);
    }
  }
}
