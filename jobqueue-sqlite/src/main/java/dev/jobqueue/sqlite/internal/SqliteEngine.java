package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.sql.internal.JobRows;
import dev.jobqueue.sql.internal.Reads;
import dev.jobqueue.sql.internal.ScheduleRows;
import dev.jobqueue.sql.internal.Writes;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite store's machinery behind {@code SqliteJobStore}: writes go to the {@link Writer}
 * (group commit), reads to the {@link ReadPool}, and both consult the {@link Overlay} for changes
 * not yet in the committed rows (coalesced progress).
 */
public final class SqliteEngine {
  private static final Logger log = LoggerFactory.getLogger(SqliteEngine.class);
  static final String WRITER_THREAD = "jobqueue-sqlite-writer";

  static final String GET = "SELECT " + JobCodec.COLUMNS + " FROM jobs WHERE id = ?";
  static final String VERSION = "SELECT version FROM jobs WHERE id = ?";

  /**
   * Running jobs through jobs_status, sorted by lease: a store is never shared, running jobs are
   * few.
   */
  static final String EXPIRED =
      "SELECT "
          + JobCodec.COLUMNS
          + " FROM jobs INDEXED BY jobs_status"
          + " WHERE status = 'running' AND lease_expires_at < ? ORDER BY lease_expires_at, seq LIMIT ?";

  static final String COUNTS = "SELECT type, status, count(*) FROM jobs GROUP BY type, status";
  static final String COUNTS_OF_USER =
      "SELECT type, status, count(*) FROM jobs WHERE user_id = ? GROUP BY type, status";

  private final SqliteConfig config;
  private final Faults faults;
  private final FileChannel lock;
  private final Connection writerConnection;
  private final Overlay overlay = new Overlay();
  private final PendingLogs pendingLogs = new PendingLogs();
  private final Writer writer;
  private final ReadPool readers;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SqliteEngine(
      SqliteConfig config,
      Faults faults,
      FileChannel lock,
      Connection writerConnection,
      FileWatch fileWatch,
      ReadPool readers) {
    this.config = config;
    this.faults = faults;
    this.lock = lock;
    this.writerConnection = writerConnection;
    this.readers = readers;
    this.writer =
        new Writer(
            writerConnection,
            overlay,
            pendingLogs,
            faults,
            fileWatch,
            config.maxBatch(),
            config.progressFlushInterval().toNanos(),
            WRITER_THREAD);
  }

  /** Opens (creating or migrating) the database; on failure nothing stays open. */
  public static SqliteEngine open(SqliteConfig config) {
    Faults faults = new Faults(Opener.describe(config), config.file(), config.busyTimeout());
    FileChannel lock = config.file() != null ? Opener.lockFile(config) : null;
    Connection writerConnection = null;
    try {
      writerConnection = Opener.openWriter(config, faults);
      FileWatch fileWatch =
          config.file() != null ? FileWatch.of(config.file(), faults) : FileWatch.NONE;
      ReadPool readers = new ReadPool(Opener.openReaders(config, faults, config.readConnections()));
      SqliteEngine engine =
          new SqliteEngine(config, faults, lock, writerConnection, fileWatch, readers);
      engine.writer.start();
      log.info(
          "SQLite job store {} open: schema V{}, synchronous={}, {} read connections, "
              + "progress flushed every {} ms, busy timeout {} ms",
          faults.file(),
          Migrations.latestVersion(),
          config.durable() ? "FULL" : "NORMAL (not durable on power loss)",
          config.readConnections(),
          config.progressFlushInterval().toMillis(),
          config.busyTimeout().toMillis());
      return engine;
    } catch (RuntimeException e) {
      Opener.closeQuietly(writerConnection);
      Opener.closeQuietly(lock);
      throw e;
    }
  }

  public String file() {
    return faults.file();
  }

  public long commits() {
    return writer.commits();
  }

  public long committedChanges() {
    return writer.committedOps();
  }

  // ------------------------------------------------------------------ writes

  public void insert(Job job) {
    await(writer.submit(new InsertOps.Insert(job)).future);
  }

  public Job insertUnique(Job job) {
    return await(writer.submit(new InsertOps.InsertUnique(job)).future);
  }

  /** All in one change (one transaction, all or none). */
  public void insertAll(List<Job> jobs) {
    if (jobs.isEmpty()) {
      checkOpen();
      return;
    }
    await(writer.submit(new InsertOps.InsertAll(List.copyOf(jobs))).future);
  }

  public boolean update(Job next, long expectedVersion) {
    return await(writer.submit(new WriteOp.Update(next, expectedVersion)).future);
  }

  public CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
    try {
      // a copy, so that a caller completing it cannot stop the writer from doing the change
      return writer.submitAsync(new WriteOp.Update(next, expectedVersion)).future.copy();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public boolean updateProgress(Job next, long expectedVersion) {
    checkOpen();
    if (writer.isWriterThread()) {
      throw new IllegalStateException(
          "updateProgress called from a future callback on the SQLite "
              + "writer thread: call the store from another thread");
    }
    return overlay.acceptProgress(next, expectedVersion, this::committedVersion);
  }

  public boolean delete(String id, long expectedVersion) {
    return await(writer.submit(new WriteOp.Delete(id, expectedVersion)).future);
  }

  public List<Job> reserve(ClaimRequest request) {
    return await(writer.submit(new WriteOp.Reserve(request)).future);
  }

  public void release(String owner, Collection<String> jobIds) {
    checkOpen();
    overlay.reservations.release(owner, jobIds);
  }

  public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
    overlay.reservations.renew(owner, until);
    return await(writer.submit(new WriteOp.RenewLeases(owner, running, until)).future);
  }

  public List<Job> purge(Instant completedBefore, int keepLast) {
    return await(writer.submit(new WriteOp.Purge(completedBefore, keepLast)).future);
  }

  /** Waits for the commit; see {@link Writes#await}. */
  private static <T> T await(CompletableFuture<T> f) {
    return Writes.await(f, "SQLite job store");
  }

  // ------------------------------------------------------------------ reads

  public Optional<Job> get(String id) {
    Job pending = overlay.pending(id); // before the row: see Overlay.merge
    Job row = read("reading job " + id, r -> Reads.job(r::prepare, GET, id, JobCodec::read));
    return Optional.ofNullable(Overlay.merge(row, pending));
  }

  public List<Job> query(JobQuery query) {
    Map<String, Job> pending = overlay.pendingSnapshot();
    QuerySql sql = QuerySql.of(query);
    return read(
        "querying jobs",
        r -> {
          PreparedStatement ps = r.prepare(sql.sql());
          sql.bind(ps);
          return Reads.jobs(ps, JobCodec::read, merger(pending));
        });
  }

  public List<Job> expiredLeases(Instant now, int limit) {
    Map<String, Job> pending = overlay.pendingSnapshot();
    return read(
        "finding expired leases",
        r -> {
          PreparedStatement ps = r.prepare(EXPIRED);
          ps.setLong(1, JobRows.nanos(now));
          ps.setInt(2, limit);
          return Reads.jobs(ps, JobCodec::read, merger(pending));
        });
  }

  /** Merges rows with pending snapshots taken before them (see {@link Overlay#merge}). */
  private static UnaryOperator<Job> merger(Map<String, Job> pending) {
    return pending.isEmpty()
        ? UnaryOperator.identity()
        : row -> Overlay.merge(row, pending.get(row.id()));
  }

  public Map<String, Map<JobStatus, Long>> countByTypeAndStatus(String userId) {
    return read("counting jobs", r -> Reads.counts(r::prepare, COUNTS, COUNTS_OF_USER, userId));
  }

  /** The committed version of {@code id}, or -1; for {@code updateProgress} without an entry. */
  private long committedVersion(String id) {
    return read("reading the version of job " + id, r -> Reads.version(r::prepare, VERSION, id));
  }

  @FunctionalInterface
  private interface ReadWork<T> {
    T run(ReadPool.Reader r) throws SQLException;
  }

  private <T> T read(String what, ReadWork<T> work) {
    checkOpen();
    ReadPool.Reader r = readers.borrow();
    try {
      return work.run(r);
    } catch (SQLException e) {
      r.forgetStatements();
      throw faults.of(what, e);
    } finally {
      readers.release(r);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the SQLite job store " + faults.file() + " is closed");
    }
  }

  // ------------------------------------------------------------------ job logs, paused types

  static final String LOGS = "SELECT attempt, dropped, lines FROM job_logs WHERE job_id = ?";
  static final String EXISTS = "SELECT 1 FROM jobs WHERE id = ?";
  static final String PAUSED = "SELECT type FROM paused_types ORDER BY type";

  /** Kept in memory and written with coalesced progress; see {@link PendingLogs}. */
  public void writeLog(JobLog log) {
    checkOpen();
    pendingLogs.put(log);
  }

  /** Rows and pending logs, the pending one per attempt winning; none once the job is gone. */
  public List<JobLog> logs(String jobId) {
    List<JobLog> pending = pendingLogs.of(jobId); // before the rows, as for progress
    return read(
        "reading the logs of job " + jobId,
        r -> Reads.logs(r::prepare, EXISTS, LOGS, jobId, pending));
  }

  public void setPaused(String type, boolean paused) {
    await(writer.submit(new PauseOp(type, paused)).future);
  }

  public Set<String> pausedTypes() {
    return read("reading the paused job types", r -> Reads.strings(r::prepare, PAUSED));
  }

  // ------------------------------------------------------------------ schedules

  public boolean insertSchedule(RecurringSchedule s) {
    return await(writer.submit(ScheduleOps.insert(s)).future);
  }

  public boolean updateSchedule(RecurringSchedule next, long expectedVersion) {
    return await(writer.submit(ScheduleOps.update(next, expectedVersion)).future);
  }

  public boolean deleteSchedule(String id) {
    return await(writer.submit(ScheduleOps.delete(id)).future);
  }

  public boolean fireSchedule(String id, Instant occurrence, Instant next, Job job) {
    return await(writer.submit(ScheduleOps.fire(id, occurrence, next, job)).future);
  }

  public Optional<RecurringSchedule> getSchedule(String id) {
    return Optional.ofNullable(
        read("reading schedule " + id, r -> ScheduleRows.get(r::prepare, ScheduleOps.GET, id)));
  }

  public List<RecurringSchedule> schedules() {
    return read("listing schedules", r -> ScheduleRows.all(r::prepare, ScheduleOps.ALL));
  }

  // ------------------------------------------------------------------ close

  /** Flushes pending progress, stops the writer, closes every connection; idempotent. */
  public void close() {
    if (writer.isWriterThread()) {
      throw new IllegalStateException(
          "close() called from a future callback on the SQLite writer "
              + "thread: close the store from another thread");
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    writer.stop();
    Opener.closeQuietly(writerConnection);
    readers.close();
    Opener.closeQuietly(lock);
    log.info(
        "SQLite job store {} closed after {} commits of {} changes",
        faults.file(),
        writer.commits(),
        writer.committedOps());
  }

  int readConnections() {
    return readers.size();
  }

  SqliteConfig config() {
    return config;
  }
}
