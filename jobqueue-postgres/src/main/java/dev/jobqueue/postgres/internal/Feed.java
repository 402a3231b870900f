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
 * Reads the committed changes from the events table and hands them to the subscribers, on one
 * thread with a connection of its own (autocommit): every instance's changes, this store instance's
 * own included (flagged), each with its {@code event_seq} as its store-wide id.
 *
 * <p>The cursor is (xid, event_seq) of the last row read, and only rows whose transaction is below
 * the oldest one still running are read, so a row committed late by an older transaction is never
 * passed over. That also makes the order the same for every reader: a row that becomes readable
 * later has a larger xid than every row read before it, so each instance delivers the identical
 * sequence of changes (from where it started), which is what lets an SSE client resume on any
 * instance. Each job's changes are in version order as long as a transaction builds only on
 * versions committed before it took its xid (at its first write). One instance's writer commits in
 * xid order, so its own changes always are; across instances, a batch that took its xid and then
 * changes a job that another instance committed meanwhile (under a higher xid) has its event
 * delivered before the one it built on: a known gap.
 *
 * <p>{@code LISTEN} only wakes the thread (the payload is empty), and this store's writer wakes it
 * in-process after each commit; without either it reads every poll interval anyway, which also
 * checks the connection. Rows committed behind an older transaction still open are re-read soon
 * rather than at the next poll. When the connection fails, it is opened again with growing pauses
 * and reading resumes at the cursor: nothing is lost while it was away (unless the events were
 * pruned meanwhile).
 */
final class Feed implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Feed.class);
  private static final int BATCH = 500;
  private static final long PRUNE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** The first wait (ms) before re-reading rows that wait behind an open transaction. */
  private static final long MIN_HELD_BACK_PAUSE = 2;

  /** How long a closing subscriber waits for the changes committed before it closed. */
  static final long CATCH_UP_MILLIS = 5_000;

  private final DataSource dataSource;
  private final Sql sql;
  private final String origin;
  private final boolean notify;
  private final long pollMillis;
  private final long retentionMillis;
  private final List<Consumer<StoreChange>> sinks = new CopyOnWriteArrayList<>();
  private final Thread thread;

  /**
   * Finds a committed row past the cursor after everything readable was read: one that waits behind
   * an older transaction still open (or became readable just now). Index on (xid, event_seq).
   */
  private final String heldBackEvents;

  private volatile boolean stopping;
  private volatile Connection connection;
  private String cursorXid;
  private long cursorSeq;
  private long lastPrune = System.nanoTime();

  /** Catch-up requests of closing subscribers, and how many the thread has served. */
  private final Object catchUps = new Object();

  private long catchUpsAsked; // guarded by catchUps
  private long catchUpsDone; // guarded by catchUps

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
    // in cursor order, so that the index finds the first row after the cursor (without it the
    // planner scanned the table from its oldest row)
    this.heldBackEvents =
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::text FROM "
            + sql.events
            + " e WHERE (e.xid, e.event_seq) > (?::xid8, ?) ORDER BY e.xid, e.event_seq LIMIT 1";
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
    return () -> {
      if (sinks.contains(sink)) {
        catchUp(CATCH_UP_MILLIS);
        sinks.remove(sink);
      }
    };
  }

  /** Wakes the thread after this store committed a change, so that it reads it at once. */
  void wake() {
    if (!notify) {
      LockSupport.unpark(thread); // with notifications, the commit's NOTIFY wakes it
    }
  }

  /**
   * Waits (up to {@code timeoutMillis}) until every change committed before this call has been
   * delivered.
   */
  void catchUp(long timeoutMillis) {
    if (Thread.currentThread() == thread || !thread.isAlive() || stopping) {
      return;
    }
    long ticket;
    synchronized (catchUps) {
      ticket = ++catchUpsAsked;
    }
    if (notify) {
      notifyFeeds(); // the thread waits for a notification, not for an unpark
    } else {
      LockSupport.unpark(thread);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (catchUps) {
      long left;
      while (catchUpsDone < ticket
          && thread.isAlive()
          && !stopping
          && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(catchUps, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (catchUpsDone < ticket && thread.isAlive() && !stopping) {
        log.warn(
            "PostgreSQL job store {}: the change feed did not catch up within {} ms; the last"
                + " changes may not reach this instance's listeners",
            sql.jobs,
            timeoutMillis);
      }
    }
  }

  private void notifyFeeds() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, '')")) {
      ps.setString(1, sql.channel);
      ps.executeQuery().close();
    } catch (SQLException e) {
      LockSupport.unpark(thread); // it reads at its next poll anyway
    }
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
    long heldBackPause = MIN_HELD_BACK_PAUSE;
    while (!stopping) {
      try {
        Connection c = connection();
        long asked;
        synchronized (catchUps) {
          asked = catchUpsAsked;
        }
        if (asked != catchUpsDone()) {
          catchUpTo(c, committedBefore(c));
          synchronized (catchUps) {
            catchUpsDone = asked;
            catchUps.notifyAll();
          }
        }
        boolean progressed = readAll(c) > 0;
        pruneNow(c);
        backoff = 100;
        String waitingFor = heldBack(c);
        if (waitingFor == null) {
          heldBackPause = MIN_HELD_BACK_PAUSE;
          waitForWork(c, pollMillis);
        } else {
          // Committed behind an older transaction still open (or readable just now): that
          // transaction's end may send no notification, so wait only a moment (a notification or
          // this store's next commit still ends the wait at once). The pause grows while nothing
          // moves (a long transaction elsewhere).
          if (progressed) {
            heldBackPause = MIN_HELD_BACK_PAUSE;
          } else if (heldBackPause == MIN_HELD_BACK_PAUSE) {
            log.debug("committed changes wait behind transaction {}, still open", waitingFor);
          }
          waitForWork(c, heldBackPause);
          if (!progressed) {
            heldBackPause = Math.min(pollMillis, heldBackPause * 2);
          }
        }
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

  private void waitForWork(Connection c, long millis) throws SQLException {
    if (notify) {
      // returns at the first notification, or after the timeout (then we read anyway)
      c.unwrap(PGConnection.class).getNotifications((int) millis);
    } else {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
    }
  }

  private long catchUpsDone() {
    synchronized (catchUps) {
      return catchUpsDone;
    }
  }

  /** Reads until no full batch comes back; returns how many rows it read. */
  private int readAll(Connection c) throws SQLException {
    int total = 0;
    int n;
    do {
      n = readOnce(c);
      total += n;
    } while (n == BATCH && !stopping); // more are waiting: read on before sleeping
    return total;
  }

  /** An xid above every transaction that has committed so far. */
  private static String committedBefore(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Delivers every row of transactions below {@code xid}, waiting for those still open. */
  private void catchUpTo(Connection c, String xid) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_MILLIS);
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_snapshot_xmin(pg_current_snapshot()) >= ?::xid8")) {
      ps.setString(1, xid);
      while (!stopping && System.nanoTime() < deadline) {
        boolean allEnded;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          allEnded = rs.getBoolean(1);
        }
        readAll(c);
        if (allEnded) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
  }

  /**
   * The oldest transaction still running when committed rows past the cursor wait behind it, or
   * null when none wait.
   */
  private String heldBack(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(heldBackEvents)) {
      ps.setString(1, cursorXid);
      ps.setLong(2, cursorSeq);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
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
          boolean own = origin.equals(rs.getString(3));
          JobEvent.Kind kind = JobEvent.Kind.valueOf(rs.getString(4).toUpperCase(Locale.ROOT));
          boolean statusChanged = rs.getBoolean(5);
          Job job = PgCodec.read(rs, 6);
          deliver(new StoreChange(kind, job, statusChanged, cursorSeq, own));
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
    prune(c, sql, retentionMillis);
  }

  /**
   * Deletes events older than the retention, a batch per statement, oldest transactions first,
   * while a batch finds any (at most 200 batches a round); returns how many. Nothing when another
   * instance is pruning.
   */
  static long prune(Connection c, Sql sql, long retentionMillis) throws SQLException {
    long deleted = 0;
    try (PreparedStatement ps = c.prepareStatement(sql.pruneEvents)) {
      ps.setString(1, "jobqueue prune " + sql.events);
      ps.setLong(2, retentionMillis);
      for (int round = 0; round < 200; round++) {
        int n = ps.executeUpdate();
        deleted += n;
        if (n == 0) {
          break;
        }
      }
    }
    return deleted;
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
    synchronized (catchUps) {
      catchUps.notifyAll(); // a closing subscriber waits no longer
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
