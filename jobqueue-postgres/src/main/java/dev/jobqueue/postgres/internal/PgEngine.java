package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.StoreException;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.spi.StoreChange;
import dev.jobqueue.sql.internal.Reads;
import dev.jobqueue.sql.internal.ScheduleRows;
import dev.jobqueue.sql.internal.SelectJobs;
import dev.jobqueue.sql.internal.Statements;
import dev.jobqueue.sql.internal.Writes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store's machinery: writes go to the {@link Writer} (group commit on one
 * connection), reads borrow a connection from the host's pool, and both consult the {@link Overlay}
 * for coalesced progress not yet written.
 */
public final class PgEngine {
  private static final Logger log = LoggerFactory.getLogger(PgEngine.class);
  public static final String WRITER_THREAD = "jobqueue-postgres-writer";
  public static final String FEED_THREAD = "jobqueue-postgres-feed";

  /** The GIN index's predicate repeated, so that the planner may use the index. */
  private static final String DEPENDS_ON = "depends_on @> ARRAY[?]::text[] AND depends_on <> '{}'";

  private final PgConfig config;
  private final Sql sql;
  private final Overlay overlay = new Overlay();
  private final PendingLogs pendingLogs = new PendingLogs();
  private final Writer writer;
  private final Feed feed;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PgEngine(PgConfig config) {
    this.config = config;
    this.sql = new Sql(config.qualifiedPrefix());
    String origin = UUID.randomUUID().toString();
    this.writer =
        new Writer(
            config.dataSource(),
            overlay,
            pendingLogs,
            sql,
            origin,
            config.notifications(),
            config.maxBatch(),
            config.progressFlushInterval().toNanos(),
            WRITER_THREAD);
    this.feed =
        new Feed(
            config.dataSource(),
            sql,
            origin,
            config.notifications(),
            config.pollInterval().toMillis(),
            config.eventRetention().toMillis(),
            FEED_THREAD);
    writer.onEventsCommitted(feed::wake); // this instance's listeners get its changes at once
  }

  /** Migrates the schema and starts the writer. */
  public static PgEngine open(PgConfig config) {
    try (Connection c = config.dataSource().getConnection()) {
      Migrations.migrate(c, config.schema(), config.tablePrefix());
    } catch (SQLException e) {
      throw new StoreException(
          "PostgreSQL job store "
              + config.qualifiedPrefix()
              + "jobs: cannot open or migrate the schema: "
              + e.getMessage()
              + " (check the DataSource's URL, user and rights: the user needs CREATE on the"
              + " database or schema)",
          e);
    }
    PgEngine engine = new PgEngine(config);
    engine.writer.start();
    log.info(
        "PostgreSQL job store {}jobs open: schema V{}, progress flushed every {} ms",
        config.qualifiedPrefix(),
        Migrations.latestVersion(),
        config.progressFlushInterval().toMillis());
    return engine;
  }

  public String table() {
    return sql.jobs;
  }

  public long commits() {
    return writer.commits();
  }

  public long committedChanges() {
    return writer.changes();
  }

  // ------------------------------------------------------------------ writes

  public void insert(Job job) {
    await(writer.submit(new InsertOp(List.of(job))).future);
  }

  public void insertAll(List<Job> jobs) {
    checkOpen();
    if (!jobs.isEmpty()) {
      await(writer.submit(new InsertOp(List.copyOf(jobs))).future);
    }
  }

  public boolean update(Job next, long expectedVersion) {
    return await(writer.submit(new WriteOp.Update(next, expectedVersion)).future);
  }

  public CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
    try {
      // a copy, so that a caller completing it cannot stop the writer from doing the change
      return writer.submit(new WriteOp.Update(next, expectedVersion)).future.copy();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public boolean updateProgress(Job next, long expectedVersion) {
    checkOpen();
    return overlay.acceptProgress(next, expectedVersion, this::committedVersion);
  }

  public boolean delete(String id, long expectedVersion) {
    boolean deleted = await(writer.submit(new WriteOp.Delete(id, expectedVersion)).future);
    if (deleted) {
      pendingLogs.forget(id);
    }
    return deleted;
  }

  public Job insertUnique(Job job) {
    return await(writer.submit(new InsertUniqueOp(job)).future);
  }

  public List<Job> reserve(ClaimRequest request) {
    return await(writer.submit(new ReserveOp(request)).future);
  }

  public void release(String owner, List<String> ids) {
    checkOpen();
    if (!ids.isEmpty()) {
      await(writer.submit(new WriteOp.Release(owner, ids)).future);
    }
  }

  public List<Job> purge(Instant completedBefore, int keepLast) {
    List<Job> purged = await(writer.submit(new WriteOp.Purge(completedBefore, keepLast)).future);
    purged.forEach(j -> pendingLogs.forget(j.id()));
    return purged;
  }

  // ------------------------------------------------------------------ logs, paused types

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
        s -> Reads.logs(s, sql.exists, sql.logs, jobId, pending));
  }

  public void pauseType(String type, boolean paused) {
    read(
        (paused ? "pausing" : "resuming") + " job type " + type,
        s -> {
          PreparedStatement ps = s.prepare(paused ? sql.pause : sql.resume);
          ps.setString(1, type);
          return ps.executeUpdate();
        });
  }

  public Set<String> pausedTypes() {
    return read("reading the paused job types", s -> Reads.strings(s, sql.pausedTypes));
  }

  // ------------------------------------------------------------------ schedules

  public boolean insertSchedule(RecurringSchedule s) {
    return await(writer.submit(Schedules.insert(s)).future);
  }

  public boolean updateSchedule(RecurringSchedule next, long expectedVersion) {
    return await(writer.submit(Schedules.update(next, expectedVersion)).future);
  }

  public boolean deleteSchedule(String id) {
    return await(writer.submit(Schedules.delete(id)).future);
  }

  public boolean fireSchedule(String id, Instant occurrence, Instant nextRunAt, Job job) {
    return await(writer.submit(Schedules.fire(id, occurrence, nextRunAt, job)).future);
  }

  public Optional<RecurringSchedule> getSchedule(String id) {
    return Optional.ofNullable(
        read("reading schedule " + id, s -> ScheduleRows.get(s, sql.getSchedule, id)));
  }

  public List<RecurringSchedule> schedules() {
    return read("reading the schedules", s -> ScheduleRows.all(s, sql.allSchedules));
  }

  public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
    overlay.renewLeases(owner, until);
    return await(writer.submit(new WriteOp.Renew(owner, running, until)).future);
  }

  private <T> T await(CompletableFuture<T> f) {
    if (writer.isWriterThread()) {
      throw new IllegalStateException(
          "a PostgreSQL job store call from a future callback on its writer thread would wait for"
              + " itself: call the store from another thread (thenApplyAsync)");
    }
    return Writes.await(f, "PostgreSQL job store");
  }

  // ------------------------------------------------------------------ reads

  public Optional<Job> get(String id) {
    Job row = read("reading job " + id, s -> Reads.job(s, sql.get, id, PgCodec::read));
    return Optional.ofNullable(overlay.merge(row));
  }

  public List<Job> query(JobQuery query) {
    List<Object> params = new ArrayList<>();
    String select = SelectJobs.sql(sql.jobs, DEPENDS_ON, query, params);
    return read(
        "querying jobs",
        s -> {
          PreparedStatement ps = s.prepare(select);
          SelectJobs.bind(ps, params);
          return Reads.jobs(ps, PgCodec::read, overlay::merge);
        });
  }

  public List<Job> expiredLeases(Instant now, int limit) {
    return read(
        "finding expired leases",
        s -> {
          PreparedStatement ps = s.prepare(sql.expired);
          ps.setString(1, "jobqueue rescue " + sql.jobs);
          PgCodec.setMicros(ps, 2, PgCodec.microsFromNow(now));
          ps.setInt(3, limit);
          return Reads.jobs(ps, PgCodec::read, overlay::merge);
        });
  }

  public Map<String, Map<JobStatus, Long>> countByTypeAndStatus(String userId) {
    return read("counting jobs", s -> Reads.counts(s, sql.counts, sql.countsOfUser, userId));
  }

  private long committedVersion(String id) {
    return read("reading the version of job " + id, s -> Reads.version(s, sql.version, id));
  }

  @FunctionalInterface
  interface Work<T> {
    T run(Statements s) throws SQLException;
  }

  /** Runs {@code work} on a pooled connection in autocommit mode; its statements close after. */
  <T> T read(String what, Work<T> work) {
    checkOpen();
    try (Connection c = config.dataSource().getConnection();
        OpenStatements s = new OpenStatements(c)) {
      return work.run(s);
    } catch (SQLException e) {
      throw new StoreException(
          "PostgreSQL job store " + sql.jobs + ": " + what + " failed: " + e.getMessage(), e);
    }
  }

  /** Statements of one borrowed connection, closed with the work that prepared them. */
  private static final class OpenStatements implements Statements, AutoCloseable {
    private final Connection c;
    private final List<PreparedStatement> open = new ArrayList<>(2);

    OpenStatements(Connection c) {
      this.c = c;
    }

    @Override
    public PreparedStatement prepare(String statement) throws SQLException {
      PreparedStatement ps = c.prepareStatement(statement);
      open.add(ps);
      return ps;
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement ps : open) {
        ps.close();
      }
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the PostgreSQL job store " + sql.jobs + " is closed");
    }
  }

  // ------------------------------------------------------------------ change feed

  /** Delivers every change committed from now on, this instance's own flagged. */
  public AutoCloseable subscribe(Consumer<StoreChange> sink) {
    checkOpen();
    try {
      return feed.subscribe(sink);
    } catch (SQLException e) {
      throw new StoreException(
          "PostgreSQL job store " + sql.jobs + ": cannot start the change feed: " + e.getMessage(),
          e);
    }
  }

  // ------------------------------------------------------------------ close

  /** Writes pending progress, stops the writer; idempotent. The DataSource stays the host's. */
  public void close() {
    if (writer.isWriterThread()) {
      throw new IllegalStateException(
          "close() called from a future callback on the PostgreSQL writer thread: close the"
              + " store from another thread");
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    feed.stop();
    writer.stop();
    log.info(
        "PostgreSQL job store {} closed after {} commits of {} changes",
        sql.jobs,
        writer.commits(),
        writer.changes());
  }
}
