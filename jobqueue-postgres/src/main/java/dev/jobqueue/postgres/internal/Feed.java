package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.spi.StoreChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the changes other instances committed from the events table and hands them to the
 * subscribers, on one thread with a connection of its own (autocommit).
 *
 * <p>The cursor is (xid, event_seq) of the last row read, and only rows whose transaction is below
 * the oldest one still running are read, so a row committed late by an older transaction is never
 * passed over. {@code LISTEN} only wakes the thread (the payload is empty); without a notification
 * it reads every poll interval anyway, which also checks the connection. When the connection fails,
 * it is opened again with growing pauses and reading resumes at the cursor: nothing is lost while
 * it was away (unless the events were pruned meanwhile).
 */
final class Feed implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Feed.class);
  private static final int BATCH = 500;
  private static final long PRUNE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final DataSource dataSource;
  private final Sql sql;
  private final String origin;
  private final boolean notify;
  private final long pollMillis;
  private final long retentionMillis;
  private final List<Consumer<StoreChange>> sinks = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile Connection connection;
  private String cursorXid;
  private long cursorSeq;
  private long lastPrune = System.nanoTime();

  Feed(
      DataSource dataSource,
      Sql sql,
      String origin,
      boolean notify,
      long pollMillis,
      long retentionMillis,
      String name) {
    this.dataSource = dataSource;
    this.sql = sql;
    this.origin = origin;
    this.notify = notify;
    this.pollMillis = pollMillis;
    this.retentionMillis = retentionMillis;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  /** Adds a subscriber; the first one starts the thread at the current end of the feed. */
  synchronized AutoCloseable subscribe(Consumer<StoreChange> sink) throws SQLException {
    if (stopping) {
      throw new IllegalStateException("the PostgreSQL job store is closed");
    }
    if (!thread.isAlive()) {
      start();
    }
    sinks.add(sink);
    return () -> sinks.remove(sink);
  }

  private void start() throws SQLException {
    // Rows of transactions still running at this moment are read; earlier ones are history.
    try (Connection c = dataSource.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")) {
      rs.next();
      cursorXid = rs.getString(1);
      cursorSeq = 0;
    }
    thread.start();
  }

  @Override
  public void run() {
    long backoff = 100;
    while (!stopping) {
      try {
        Connection c = connection();
        while (readOnce(c) == BATCH && !stopping) {
          // more are waiting: read on before sleeping
        }
        pruneNow(c);
        backoff = 100;
        waitForWork(c);
      } catch (SQLException | RuntimeException e) {
        if (stopping) {
          break;
        }
        log.warn(
            "PostgreSQL job store {}: the change feed connection failed ({}); reconnecting in {} ms",
            sql.jobs,
            e.getMessage(),
            backoff);
        discardBrokenConnection();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
        backoff = Math.min(5_000, backoff * 2);
      }
    }
    closeConnection();
  }

  private Connection connection() throws SQLException {
    Connection c = connection;
    if (c == null) {
      c = dataSource.getConnection();
      c.setAutoCommit(true);
      if (notify) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + quoted(sql.channel));
        }
      }
      connection = c;
    }
    return c;
  }

  private static String quoted(String channel) {
    return '"' + channel.replace("\"", "\"\"") + '"';
  }

  private void waitForWork(Connection c) throws SQLException {
    if (notify) {
      // returns at the first notification, or after the poll interval (then we read anyway)
      c.unwrap(PGConnection.class).getNotifications((int) pollMillis);
    } else {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
    }
  }

  /** Reads and delivers one batch; returns how many rows it read. */
  private int readOnce(Connection c) throws SQLException {
    int n = 0;
    try (PreparedStatement ps = c.prepareStatement(sql.readEvents)) {
      ps.setString(1, cursorXid);
      ps.setLong(2, cursorSeq);
      ps.setInt(3, BATCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
          cursorXid = rs.getString(1);
          cursorSeq = rs.getLong(2);
          if (origin.equals(rs.getString(3))) {
            continue;
          }
          JobEvent.Kind kind = JobEvent.Kind.valueOf(rs.getString(4).toUpperCase(Locale.ROOT));
          boolean statusChanged = rs.getBoolean(5);
          Job job = PgCodec.read(rs, 6);
          deliver(new StoreChange(kind, job, statusChanged));
        }
      }
    }
    return n;
  }

  private void deliver(StoreChange change) {
    for (Consumer<StoreChange> sink : sinks) {
      try {
        sink.accept(change);
      } catch (RuntimeException e) {
        log.warn("a change feed subscriber failed on job {}", change.job().id(), e);
      }
    }
  }

  private void pruneNow(Connection c) throws SQLException {
    if (System.nanoTime() - lastPrune < PRUNE_EVERY_NANOS) {
      return;
    }
    lastPrune = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql.pruneEvents)) {
      ps.setString(1, "jobqueue prune " + sql.events);
      ps.setLong(2, retentionMillis);
      ps.executeUpdate();
    }
  }

  /**
   * A failure seen through the unwrapped driver connection (getNotifications) is invisible to a
   * pool such as HikariCP, which would hand the dead connection to the next borrower: one statement
   * through the pool's own proxy lets the pool see the failure and evict it.
   */
  private void discardBrokenConnection() {
    Connection c = connection;
    if (c != null) {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT 1");
      } catch (SQLException expected) {
        // the pool has seen it now
      }
    }
    closeConnection();
  }

  private void closeConnection() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // it is broken already
      }
    }
  }

  void stop() {
    synchronized (this) {
      stopping = true;
    }
    if (thread.isAlive()) {
      LockSupport.unpark(thread);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5) + pollMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeConnection();
  }
}
