package dev.jobqueue.postgres.internal;

import dev.jobqueue.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one thread takes every change queued by all threads, runs them in one transaction
 * on its own connection and commits once, so N concurrent changes cost one commit (one WAL flush).
 * When a batch fails, it is rolled back and its changes are retried one per transaction, so one bad
 * change fails only its caller. A broken connection is replaced on the next batch.
 */
final class Writer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /** Longest a transaction stays open for the starts of the jobs its reservations hold. */
  private static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final DataSource dataSource;
  private final Overlay overlay;
  private final PendingLogs logs;
  private final Sql sql;
  private final String origin;
  private final boolean notify;

  private final int maxBatch;
  private final long flushNanos;
  private final LinkedBlockingQueue<WriteOp<?>> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong changes = new AtomicLong();
  private volatile boolean stopping;
  private Tx tx;

  /** Told after a commit that appended events (wakes this store's own feed). */
  private volatile Runnable eventsCommitted = () -> {};

  Writer(
      DataSource dataSource,
      Overlay overlay,
      PendingLogs logs,
      Sql sql,
      String origin,
      boolean notify,
      int maxBatch,
      long flushNanos,
      String name) {
    this.dataSource = dataSource;
    this.overlay = overlay;
    this.logs = logs;
    this.sql = sql;
    this.origin = origin;
    this.notify = notify;
    this.maxBatch = maxBatch;
    this.flushNanos = flushNanos;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  void onEventsCommitted(Runnable r) {
    this.eventsCommitted = r;
  }

  boolean isWriterThread() {
    return Thread.currentThread() == thread;
  }

  <T> WriteOp<T> submit(WriteOp<T> op) {
    if (stopping) {
      throw new IllegalStateException("the PostgreSQL job store is closed");
    }
    queue.add(op);
    return op;
  }

  long commits() {
    return commits.get();
  }

  long changes() {
    return changes.get();
  }

  @Override
  public void run() {
    List<WriteOp<?>> batch = new ArrayList<>();
    while (true) {
      try {
        WriteOp<?> first = queue.poll(Math.max(1, flushNanos / 4), TimeUnit.NANOSECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, maxBatch - 1);
        }
        boolean last = stopping && queue.isEmpty();
        for (Overlay.Flush f : overlay.due(last ? 0 : flushNanos)) {
          batch.add(new WriteOp.Flush(f));
        }
        for (PendingLogs.Entry e : logs.due(last ? 0 : flushNanos)) {
          batch.add(new PendingLogs.Flush(logs, e));
        }
        if (!batch.isEmpty()) {
          execute(batch);
          batch.clear();
        }
        if (last && !overlay.anyDirty() && logs.isEmpty()) {
          break;
        }
      } catch (InterruptedException e) {
        stopping = true;
      } catch (RuntimeException | Error e) {
        log.error("PostgreSQL job store writer: unexpected failure; going on", e);
        fail(batch, e);
        batch.clear();
      }
    }
    if (tx != null) {
      tx.close();
    }
  }

  private void execute(List<WriteOp<?>> batch) {
    try {
      runInOneTransaction(batch, true);
      return;
    } catch (SQLException e) {
      if (batch.size() == 1) {
        fail(batch, faultOf(e));
        return;
      }
      log.debug("a batch of {} changes failed; retrying them one by one", batch.size(), e);
    }
    for (WriteOp<?> op : List.copyOf(batch)) {
      if (op.future.isDone()) {
        continue; // a held reservation answered before the commit: its jobs simply stay queued
      }
      try {
        runInOneTransaction(new ArrayList<>(List.of(op)), false);
      } catch (SQLException e) {
        fail(List.of(op), faultOf(e));
      }
    }
  }

  /**
   * Runs {@code ops} in one transaction and commits; with {@code mayHold}, reservations may be held
   * ({@link ReserveOp}), and the changes that arrive while the starts of held jobs are awaited are
   * added to {@code ops}.
   */
  private void runInOneTransaction(List<WriteOp<?>> ops, boolean mayHold) throws SQLException {
    Tx t = transaction();
    try {
      t.mayHoldReservations(mayHold);
      for (WriteOp<?> op : ops) {
        run(t, op);
      }
      if (!t.held.reservations().isEmpty()) {
        awaitStarts(t, ops);
      }
      if (t.commit(notify)) {
        eventsCommitted.run();
      }
    } catch (SQLException | RuntimeException e) {
      t.rollback();
      if (!isValid(t)) {
        t.close();
        tx = null;
      }
      throw e;
    }
    commits.incrementAndGet();
    changes.addAndGet(ops.size());
    for (WriteOp<?> op : ops) {
      op.complete();
    }
  }

  private static void run(Tx t, WriteOp<?> op) throws SQLException {
    if (op.seesReservations()) {
      t.writeHeldReservations();
    }
    if (!(op instanceof WriteOp.Update)) {
      t.runBatch(); // it may use the connection directly (a savepoint)
    }
    op.run(t);
  }

  /**
   * Answers the held reservations now and keeps the transaction open while the queue starts their
   * jobs (it does so at once, from the answer): each start joins this transaction, on rows it still
   * holds locked, so no other instance can take them meanwhile. Any change that arrives runs here
   * too. Jobs not started within {@link #HOLD_NANOS} get their reservation written at commit.
   */
  private void awaitStarts(Tx t, List<WriteOp<?>> ops) throws SQLException {
    t.held.reservations().forEach(WriteOp::complete);
    long deadline = System.nanoTime() + HOLD_NANOS;
    while (t.held.anyUnchanged()) {
      long left = deadline - System.nanoTime();
      WriteOp<?> op;
      try {
        op = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException e) {
        stopping = true;
        return;
      }
      if (op == null) {
        return;
      }
      ops.add(op);
      run(t, op);
      t.held.reservations().forEach(WriteOp::complete); // a reservation among them is answered too
    }
  }

  private Tx transaction() throws SQLException {
    if (tx == null) {
      Connection c = dataSource.getConnection();
      try {
        tx = new Tx(c, overlay, sql, origin);
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    }
    return tx;
  }

  private static boolean isValid(Tx t) {
    try {
      return t.connection.isValid(1);
    } catch (SQLException e) {
      return false;
    }
  }

  private static StoreException faultOf(SQLException e) {
    return new StoreException(
        "PostgreSQL job store: a change failed (SQLState "
            + e.getSQLState()
            + "): "
            + e.getMessage(),
        e);
  }

  private static void fail(List<WriteOp<?>> ops, Throwable e) {
    for (WriteOp<?> op : ops) {
      op.future.completeExceptionally(e);
    }
  }

  /** Writes what is queued and pending, then stops the thread. */
  void stop() {
    stopping = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("PostgreSQL job store writer did not stop within 30 s");
      thread.interrupt();
    }
    for (WriteOp<?> op; (op = queue.poll()) != null; ) {
      op.future.completeExceptionally(new IllegalStateException("the job store is closed"));
    }
  }
}
