package dev.jobqueue.sqlite;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.sqlite.internal.SqliteConfig;
import dev.jobqueue.sqlite.internal.SqliteEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/**
 * A durable job store in one SQLite file: the embedded default for one application instance.
 *
 * <pre>{@code
 * try (SqliteJobStore store = SqliteJobStore.open(Path.of("data/jobs.db"))) {
 *   JobQueue queue = JobQueue.builder().store(store).handler("analyze", ...).build();
 *   ...
 * }
 * }</pre>
 *
 * <p>Every insert, update and delete is committed with {@code synchronous=FULL} (WAL mode) before
 * it returns. Throughput comes from <em>group commit</em>: one writer thread ({@value
 * #WRITER_THREAD_NAME}) commits the changes of all calling threads together, one transaction and
 * one fsync per batch. Reads use their own connections and never wait for the writer. Progress
 * updates are coalesced in memory and written at most every {@link
 * Builder#progressFlushInterval(Duration)} per job (and on close).
 *
 * <p>One store per file: a second store on the same file (in this or another process) is refused,
 * because a queue recovers jobs found running at start-up as interrupted ({@link #isShared()} is
 * false). The schema is created on first use and migrated forward automatically.
 *
 * <p>Thread-safe. {@link #close()} flushes pending progress, stops the writer and closes every
 * connection; it is idempotent.
 */
public final class SqliteJobStore implements JobStore {
  /** Name of the writer thread. */
  public static final String WRITER_THREAD_NAME = "jobqueue-sqlite-writer";

  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_READ_CONNECTIONS = 4;
  public static final Duration DEFAULT_PROGRESS_FLUSH_INTERVAL = Duration.ofMillis(250);
  public static final int DEFAULT_MAX_BATCH = 1_000;

  /** How a commit reaches the disk. */
  public enum Durability {
    /**
     * {@code synchronous=FULL}: a change is on disk when the call returns; survives a process crash
     * and a power loss. The default.
     */
    FULL,
    /**
     * {@code synchronous=NORMAL}: faster, and still safe against a process crash, but a power loss
     * or OS crash may lose the last committed changes (the file is never corrupted). Not durable.
     */
    NOT_DURABLE_ON_POWER_LOSS
  }

  private final SqliteEngine engine;

  private SqliteJobStore(SqliteEngine engine) {
    this.engine = engine;
  }

  /**
   * Opens (creating if needed) the store in {@code file} with the default options. The directory
   * must exist.
   *
   * @throws dev.jobqueue.StoreException naming the file and what to do, when it cannot be opened
   */
  public static SqliteJobStore open(Path file) {
    return builder(file).build();
  }

  /** Options for a store in {@code file}. */
  public static Builder builder(Path file) {
    return new Builder(Objects.requireNonNull(file, "file"), null);
  }

  /**
   * Options for a store whose connections come from {@code dataSource} (each call must return a
   * connection to the same SQLite file; in-memory databases are not supported). No lock file is
   * taken: making sure only one store uses the database is then up to you.
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(null, Objects.requireNonNull(dataSource, "dataSource"));
  }

  /** The database file (or the JDBC URL of a DataSource), as used in messages. */
  public String file() {
    return engine.file();
  }

  /**
   * Commits made so far and the changes they held; changes / commits is the group-commit factor.
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

  /**
   * Looks for the holder and inserts in one step of the one writer thread (see {@link JobStore}).
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

  /**
   * Stores every job in one transaction and one commit, all or none: when an id exists already (or
   * appears twice in {@code jobs}) a {@link dev.jobqueue.spi.DuplicateJobException} is thrown and
   * none of them is stored.
   */
  @Override
  public void insertAll(List<Job> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    for (Job j : jobs) {
      Objects.requireNonNull(j, "a job in jobs");
    }
    engine.insertAll(jobs);
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

  /**
   * The future completes on the writer thread after the commit; callbacks must not call the store
   * synchronously.
   */
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
   * {@inheritDoc}
   *
   * <p>Reservations are kept in memory (this store belongs to one process, so a crash ends them
   * with it); taking them is serialized with the writes on the writer thread.
   */
  @Override
  public List<Job> reserve(ClaimRequest request) {
    return engine.reserve(Objects.requireNonNull(request, "request"));
  }

  @Override
  public void release(String owner, Collection<String> jobIds) {
    engine.release(Objects.requireNonNull(owner, "owner"), List.copyOf(jobIds));
  }

  @Override
  public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
    return engine.renewLeases(
        Objects.requireNonNull(owner, "owner"),
        List.copyOf(Objects.requireNonNull(running, "running")),
        Objects.requireNonNull(until, "until"));
  }

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

  /**
   * Kept in memory and written with coalesced progress: at most once per {@link
   * Builder#progressFlushInterval(Duration)} per attempt, and on close.
   */
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
    engine.setPaused(Objects.requireNonNull(type, "type"), true);
  }

  @Override
  public void resumeType(String type) {
    engine.setPaused(Objects.requireNonNull(type, "type"), false);
  }

  @Override
  public Set<String> pausedTypes() {
    return engine.pausedTypes();
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

  /** The occurrence check, the job's insert and the schedule's advance are one transaction. */
  @Override
  public boolean fireSchedule(String scheduleId, Instant occurrence, Instant nextRunAt, Job job) {
    return engine.fireSchedule(
        Objects.requireNonNull(scheduleId, "scheduleId"),
        Objects.requireNonNull(occurrence, "occurrence"),
        nextRunAt,
        Objects.requireNonNull(job, "job"));
  }

  /** False: one process per file. A queue recovers the jobs it finds running at start-up. */
  @Override
  public boolean isShared() {
    return false;
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "SqliteJobStore[" + engine.file() + "]";
  }

  /** Options of a {@link SqliteJobStore}; each is checked when set. */
  public static final class Builder {
    private final Path file;
    private final DataSource dataSource;
    private Durability durability = Durability.FULL;
    private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
    private int readConnections = DEFAULT_READ_CONNECTIONS;
    private Duration progressFlushInterval = DEFAULT_PROGRESS_FLUSH_INTERVAL;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private boolean createDirectories;

    private Builder(Path file, DataSource dataSource) {
      this.file = file;
      this.dataSource = dataSource;
    }

    /** {@link Durability#FULL} by default. */
    public Builder durability(Durability durability) {
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /** How long to wait for a lock held by another connection before failing; 5 s by default. */
    public Builder busyTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("busyTimeout must be zero or positive, got " + timeout);
      }
      this.busyTimeout = timeout;
      return this;
    }

    /** Connections for reads (get, query, counts); 4 by default. */
    public Builder readConnections(int n) {
      if (n < 1 || n > 64) {
        throw new IllegalArgumentException("readConnections must be between 1 and 64, got " + n);
      }
      this.readConnections = n;
      return this;
    }

    /**
     * How long a job's progress may stay in memory only before it is written (250 ms by default).
     * Progress is visible to reads at once; this bounds what a crash can lose of it.
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

    /** Create a missing parent directory instead of failing (false by default: fail fast). */
    public Builder createDirectories(boolean create) {
      if (create && file == null) {
        throw new IllegalArgumentException("createDirectories needs a file path, not a DataSource");
      }
      this.createDirectories = create;
      return this;
    }

    /**
     * Opens the store: creates or migrates the schema and starts the writer.
     *
     * @throws dev.jobqueue.StoreException naming the file and what to do, when it cannot be opened
     */
    public SqliteJobStore build() {
      return new SqliteJobStore(
          SqliteEngine.open(
              new SqliteConfig(
                  file,
                  dataSource,
                  durability == Durability.FULL,
                  busyTimeout,
                  readConnections,
                  progressFlushInterval,
                  maxBatch,
                  createDirectories)));
    }
  }
}
