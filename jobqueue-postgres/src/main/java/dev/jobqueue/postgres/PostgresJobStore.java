package dev.jobqueue.postgres;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.postgres.internal.PgConfig;
import dev.jobqueue.postgres.internal.PgEngine;
import dev.jobqueue.spi.ChangeFeed;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.spi.StoreChange;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A job store in PostgreSQL that several application instances share: each instance's queue claims
 * jobs with {@code FOR UPDATE SKIP LOCKED}, holds a lease on what it runs (renewed by its
 * heartbeat, measured with the database clock) and recovers the jobs of instances that stopped
 * renewing theirs.
 *
 * <pre>{@code
 * HikariDataSource ds = new HikariDataSource(); // the host owns the pool
 * ds.setJdbcUrl("jdbc:postgresql://db/app");
 * PostgresJobStore store = PostgresJobStore.builder(ds).build();
 * JobQueue queue = JobQueue.builder().store(store).handler("analyze", ...).build();
 * ...
 * queue.close();
 * store.close();
 * }</pre>
 *
 * <p>Every insert, update, claim and delete is committed before it returns. Throughput comes from
 * group commit: one writer thread ({@value #WRITER_THREAD_NAME}) commits the changes of all calling
 * threads of this instance together, in one transaction. Reads borrow connections from the {@link
 * DataSource}. Progress updates are coalesced in memory and written at most every {@link
 * Builder#progressFlushInterval(Duration)} per job.
 *
 * <p>The schema is created and migrated when the store is built, under an advisory lock, so
 * instances starting at once migrate exactly once; a schema newer than this code is refused.
 *
 * <p>Thread-safe. {@link #close()} writes pending progress and stops the writer; it does not close
 * the {@link DataSource}, which belongs to the host.
 */
public final class PostgresJobStore implements JobStore, ChangeFeed {
  /** Name of the writer thread. */
  public static final String WRITER_THREAD_NAME = PgEngine.WRITER_THREAD;

  public static final String DEFAULT_SCHEMA = "public";
  public static final String DEFAULT_TABLE_PREFIX = "jobqueue_";
  public static final Duration DEFAULT_PROGRESS_FLUSH_INTERVAL = Duration.ofMillis(250);
  public static final int DEFAULT_MAX_BATCH = 1_000;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofHours(1);

  /** Name of the thread that reads the other instances' changes. */
  public static final String FEED_THREAD_NAME = PgEngine.FEED_THREAD;

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");
  private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}|");

  private final PgEngine engine;

  private PostgresJobStore(PgEngine engine) {
    this.engine = engine;
  }

  /** Options for a store whose connections come from {@code dataSource}. */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /** The jobs table, schema-qualified, as used in messages. */
  public String table() {
    return engine.table();
  }

  /**
   * Commits made so far by this instance and the changes they held.
   *
   * @return the counters
   */
  public WriteStats writeStats() {
    return new WriteStats(engine.commits(), engine.committedChanges());
  }

  /**
   * Counters of the writer.
   *
   * @param commits transactions committed
   * @param changes inserts, updates, claims and deletes committed in them
   */
  public record WriteStats(long commits, long changes) {}

  @Override
  public void insert(Job job) {
    engine.insert(Objects.requireNonNull(job, "job"));
  }

  /** Stores every job in one transaction, all or none. */
  @Override
  public void insertAll(List<Job> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    jobs.forEach(j -> Objects.requireNonNull(j, "a job in jobs"));
    engine.insertAll(jobs);
  }

  /**
   * Inserts unless a queued or running job of the same user holds the key; the database's unique
   * index decides between racing instances.
   */
  @Override
  public Job insertUnique(Job job) {
    Objects.requireNonNull(job, "job");
    if (job.uniqueKey() == null || job.status() != JobStatus.QUEUED) {
      throw new IllegalArgumentException(
          "insertUnique needs a queued job with a unique key, got " + job.describe());
    }
    return engine.insertUnique(job);
  }

  @Override
  public Optional<Job> get(String id) {
    return engine.get(Objects.requireNonNull(id, "id"));
  }

  @Override
  public List<Job> query(JobQuery query) {
    return engine.query(Objects.requireNonNull(query, "query"));
  }

  @Override
  public boolean update(Job next, long expectedVersion) {
    return engine.update(Objects.requireNonNull(next, "next"), expectedVersion);
  }

  /** The future completes on the writer thread after the commit. */
  @Override
  public CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
    return engine.updateAsync(Objects.requireNonNull(next, "next"), expectedVersion);
  }

  @Override
  public boolean updateProgress(Job next, long expectedVersion) {
    return engine.updateProgress(Objects.requireNonNull(next, "next"), expectedVersion);
  }

  @Override
  public boolean delete(String id, long expectedVersion) {
    return engine.delete(Objects.requireNonNull(id, "id"), expectedVersion);
  }

  /**
   * Reserves runnable jobs in the database ({@code reserved_by}, {@code reserved_until} on the
   * database clock): they stay queued, and no instance reserves them again until this one starts,
   * releases or stops renewing them.
   */
  @Override
  public List<Job> reserve(ClaimRequest request) {
    return engine.reserve(Objects.requireNonNull(request, "request"));
  }

  @Override
  public void release(String owner, Collection<String> jobIds) {
    engine.release(Objects.requireNonNull(owner, "owner"), List.copyOf(jobIds));
  }

  /**
   * Extends the leases of every running job of {@code owner} and its reservations, and answers
   * which of {@code running} are lost or asked to cancel, in one statement (one round trip). The
   * lease is kept on the database clock: {@code until} is taken relative to this JVM's clock and
   * stored as the database's {@code now()} plus that much. A job another instance holds locked at
   * that moment is neither renewed nor reported this beat.
   */
  @Override
  public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
    return engine.renewLeases(
        Objects.requireNonNull(owner, "owner"),
        List.copyOf(Objects.requireNonNull(running, "running")),
        Objects.requireNonNull(until, "until"));
  }

  /** Running jobs whose lease lapsed on the database clock, oldest lease first. */
  @Override
  public List<Job> expiredLeases(Instant now, int limit) {
    return engine.expiredLeases(Objects.requireNonNull(now, "now"), limit);
  }

  @Override
  public List<Job> purge(Instant completedBefore, int keepLast) {
    return engine.purge(Objects.requireNonNull(completedBefore, "completedBefore"), keepLast);
  }

  @Override
  public Map<String, Map<JobStatus, Long>> countByTypeAndStatus(String userId) {
    return engine.countByTypeAndStatus(userId);
  }

  @Override
  public boolean insertSchedule(RecurringSchedule schedule) {
    return engine.insertSchedule(Objects.requireNonNull(schedule, "schedule"));
  }

  @Override
  public Optional<RecurringSchedule> getSchedule(String id) {
    return engine.getSchedule(Objects.requireNonNull(id, "id"));
  }

  @Override
  public List<RecurringSchedule> schedules() {
    return engine.schedules();
  }

  @Override
  public boolean updateSchedule(RecurringSchedule next, long expectedVersion) {
    return engine.updateSchedule(Objects.requireNonNull(next, "next"), expectedVersion);
  }

  @Override
  public boolean deleteSchedule(String id) {
    return engine.deleteSchedule(Objects.requireNonNull(id, "id"));
  }

  /** Locks the schedule's row: of instances firing one occurrence, exactly one submits it. */
  @Override
  public boolean fireSchedule(String scheduleId, Instant occurrence, Instant nextRunAt, Job job) {
    return engine.fireSchedule(
        Objects.requireNonNull(scheduleId, "scheduleId"),
        Objects.requireNonNull(occurrence, "occurrence"),
        nextRunAt,
        Objects.requireNonNull(job, "job"));
  }

  /** Kept in memory and written within the progress flush interval (and on close). */
  @Override
  public void writeLog(JobLog log) {
    engine.writeLog(Objects.requireNonNull(log, "log"));
  }

  @Override
  public List<JobLog> logs(String jobId) {
    return engine.logs(Objects.requireNonNull(jobId, "jobId"));
  }

  @Override
  public void pauseType(String type) {
    engine.pauseType(Objects.requireNonNull(type, "type"), true);
  }

  @Override
  public void resumeType(String type) {
    engine.pauseType(Objects.requireNonNull(type, "type"), false);
  }

  /** As committed by any instance. */
  @Override
  public Set<String> pausedTypes() {
    return engine.pausedTypes();
  }

  /** True: several instances share the database; only jobs with an expired lease are recovered. */
  @Override
  public boolean isShared() {
    return true;
  }

  /**
   * Delivers every change committed to this database's queue from now on, by any instance, this
   * store's own included ({@link StoreChange#own()}), each with its id in the events table ({@link
   * StoreChange#sequence()}), on the store's feed thread ({@value #FEED_THREAD_NAME}). Every store
   * on the same tables delivers the same changes in the same order; a queue built on this store
   * subscribes by itself and publishes its events from here.
   */
  @Override
  public AutoCloseable subscribe(Consumer<StoreChange> sink) {
    return engine.subscribe(Objects.requireNonNull(sink, "sink"));
  }

  /** True: own changes too, with ids global to the database, in an order all instances share. */
  @Override
  public boolean deliversAllChanges() {
    return true;
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "PostgresJobStore[" + engine.table() + "]";
  }

  /** Options of a {@link PostgresJobStore}; each is checked when set. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = DEFAULT_SCHEMA;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private Duration progressFlushInterval = DEFAULT_PROGRESS_FLUSH_INTERVAL;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private boolean notifications = true;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration eventRetention = DEFAULT_EVENT_RETENTION;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /** The schema of the tables, created if missing; {@code public} by default. */
    public Builder schema(String schema) {
      if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
        throw new IllegalArgumentException(
            "schema must be a lower-case SQL identifier (a-z, 0-9, _; at most 40), got " + schema);
      }
      this.schema = schema;
      return this;
    }

    /**
     * Prefix of every table and index name; {@code jobqueue_} by default. Two prefixes give two
     * independent queues in one schema.
     */
    public Builder tablePrefix(String prefix) {
      if (prefix == null || !PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "tablePrefix must be empty or a lower-case SQL identifier (a-z, 0-9, _), got "
                + prefix);
      }
      this.tablePrefix = prefix;
      return this;
    }

    /**
     * How long a job's progress may stay in this instance's memory before it is written (250 ms by
     * default): other instances see progress that much later; status changes are never delayed.
     */
    public Builder progressFlushInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 10 || interval.toMillis() > 60_000) {
        throw new IllegalArgumentException(
            "progressFlushInterval must be between 10 ms and 60 s, got " + interval);
      }
      this.progressFlushInterval = interval;
      return this;
    }

    /** Most changes committed in one transaction; 1000 by default. */
    public Builder maxBatch(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, got " + n);
      }
      this.maxBatch = n;
      return this;
    }

    /**
     * Whether commits send {@code NOTIFY} so that other instances read the change at once (true by
     * default). Turn it off behind PgBouncer in transaction pooling mode, where {@code LISTEN} does
     * not work; changes then arrive within the {@link #pollInterval(Duration)}.
     */
    public Builder notifications(boolean on) {
      this.notifications = on;
      return this;
    }

    /**
     * How often the change feed reads other instances' changes when no notification arrived (500 ms
     * by default, 10 ms – 60 s); also how soon a lost connection is noticed.
     */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 10 || interval.toMillis() > 60_000) {
        throw new IllegalArgumentException(
            "pollInterval must be between 10 ms and 60 s, got " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /** How long the change feed's events are kept (1 h by default, at least 1 minute). */
    public Builder eventRetention(Duration retention) {
      if (retention == null || retention.toMinutes() < 1) {
        throw new IllegalArgumentException(
            "eventRetention must be at least 1 minute, got " + retention);
      }
      this.eventRetention = retention;
      return this;
    }

    /**
     * Opens the store: creates or migrates the schema and starts the writer.
     *
     * @throws dev.jobqueue.StoreException when the database cannot be reached or migrated, or its
     *     schema is newer than this code
     */
    public PostgresJobStore build() {
      return new PostgresJobStore(
          PgEngine.open(
              new PgConfig(
                  dataSource,
                  schema,
                  tablePrefix,
                  progressFlushInterval,
                  maxBatch,
                  notifications,
                  pollInterval,
                  eventRetention)));
    }
  }
}
