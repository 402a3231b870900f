package dev.jobqueue.sqlite.internal;

import dev.jobqueue.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes: group commit. It takes every queued change, runs them in one
 * transaction and commits once (one fsync for all of them), then completes their futures. SQLite
 * allows one writer at a time anyway; doing all writes on one thread turns that limit into batching
 * instead of lock contention, and makes claims atomic without SKIP LOCKED.
 *
 * <p>When a batch fails, it is rolled back and its changes are run again one per transaction, so
 * one bad change (or a transient error) fails only its own caller and nothing is half-written.
 */
final class Writer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /** Wakes the writer when a caller is waiting for close. */
  private static final WriteOp<Void> STOP =
      new WriteOp<>() {
        @Override
        Void execute(Tx tx) {
          return null;
        }
      };

  private final BlockingQueue<WriteOp<?>> queue = new LinkedBlockingQueue<>();
  private final Connection connection;
  private final Overlay overlay;
  private final PendingLogs logs;
  private final Faults faults;
  private final FileWatch fileWatch;
  private final int maxBatch;
  private final long flushNanos;
  private final Thread thread;
  private volatile boolean stopping;
  private final LongAdder commits = new LongAdder();
  private final LongAdder committedOps = new LongAdder();

  Writer(
      Connection connection,
      Overlay overlay,
      PendingLogs logs,
      Faults faults,
      FileWatch fileWatch,
      int maxBatch,
      long flushNanos,
      String threadName) {
    this.connection = connection;
    this.overlay = overlay;
    this.logs = logs;
    this.faults = faults;
    this.fileWatch = fileWatch;
    this.maxBatch = maxBatch;
    this.flushNanos = flushNanos;
    this.thread = new Thread(this, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues {@code op}; fails it at once when the store is closed. */
  <T> WriteOp<T> submit(WriteOp<T> op) {
    if (Thread.currentThread() == thread) {
      throw new IllegalStateException(
          "a callback of a SQLite job store future called the store "
              + "synchronously on the store's writer thread, which would wait for itself: call it "
              + "from another thread (for example with thenApplyAsync)");
    }
    if (stopping) {
      throw closed();
    }
    queue.add(op);
    if (stopping && queue.remove(op)) {
      // raced with close(): the writer may have gone already, so this op would wait forever
      throw closed();
    }
    return op;
  }

  private IllegalStateException closed() {
    return new IllegalStateException("the SQLite job store " + faults.file() + " is closed");
  }

  boolean isWriterThread() {
    return Thread.currentThread() == thread;
  }

  /** Stops after the queued changes and every pending progress snapshot are committed. */
  void stop() {
    stopping = true;
    queue.add(STOP);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true; // the flush must finish, or progress would be lost
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  long commits() {
    return commits.sum();
  }

  long committedOps() {
    return committedOps.sum();
  }

  @Override
  public void run() {
    List<WriteOp<?>> batch = new ArrayList<>();
    try (Tx tx = new Tx(connection, overlay)) {
      while (true) {
        batch.clear();
        WriteOp<?> first = poll();
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, maxBatch - 1);
          batch.removeIf(op -> op == STOP);
        }
        boolean last = stopping && queue.isEmpty();
        // on the way out everything is flushed; otherwise a job's progress waits flushNanos
        List<Overlay.Flush> flushes = overlay.due(last ? 0 : flushNanos);
        List<PendingLogs.Entry> logFlushes = logs.due(last ? 0 : flushNanos);
        if (!batch.isEmpty() || !flushes.isEmpty() || !logFlushes.isEmpty()) {
          commit(tx, batch, flushes, logFlushes);
        }
        if (last) {
          return;
        }
      }
    } catch (SQLException e) {
      log.error(
          "SQLite job store {}: the writer could not prepare its connection", faults.file(), e);
      failAll(faults.of("writing", e));
    } catch (Throwable t) {
      log.error("SQLite job store {}: the writer thread died", faults.file(), t);
      failAll(
          new StoreException("SQLite job store " + faults.file() + ": the writer thread died", t));
      throw t;
    } finally {
      stopping = true;
    }
  }

  private WriteOp<?> poll() {
    try {
      // a timed wait, so that coalesced progress is flushed even when nothing else happens
      return queue.poll(Math.max(1, flushNanos / 2), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      // nobody should interrupt the writer; carrying on is the only way not to lose changes
      return null;
    }
  }

  private void commit(
      Tx tx,
      List<WriteOp<?>> batch,
      List<Overlay.Flush> flushes,
      List<PendingLogs.Entry> logFlushes) {
    StoreException gone = fileWatch.check();
    if (gone != null) {
      // progress snapshots stay dirty and are written once the file is back
      for (WriteOp<?> op : batch) {
        op.future.completeExceptionally(gone);
      }
      if (!batch.isEmpty()) {
        log.error(gone.getMessage());
      }
      return;
    }
    try {
      tx.begin();
    } catch (SQLException e) {
      // no change ran yet, so none is to blame: retrying one by one would only wait the busy
      // timeout once per change (a lock held by another process, typically)
      tx.rollback();
      fail(batch, e);
      logFailure(batch, e);
      return;
    }
    try {
      for (WriteOp<?> op : batch) {
        op.run(tx);
      }
      for (Overlay.Flush f : flushes) {
        WriteOp.flush(tx, f);
      }
      for (PendingLogs.Entry l : logFlushes) {
        PendingLogs.write(tx, l);
      }
      tx.commit();
    } catch (SQLException | RuntimeException e) {
      tx.rollback();
      if (batch.size() + flushes.size() + logFlushes.size() <= 1) {
        fail(batch, e);
        logFailure(batch, e);
        return;
      }
      log.warn(
          "SQLite job store {}: a batch of {} changes failed and is retried one by one: {}",
          faults.file(),
          batch.size(),
          e.toString());
      for (WriteOp<?> op : batch) {
        if (!op.future.isDone()) { // an empty claim already answered must not run again
          commit(tx, List.of(op), List.of(), List.of());
        }
      }
      return; // progress snapshots and logs stay pending and are tried again next time
    }
    for (PendingLogs.Entry l : logFlushes) {
      logs.written(l);
    }
    int changes = 0;
    for (WriteOp<?> op : batch) {
      changes += op.changes();
    }
    commits.increment();
    committedOps.add(changes);
    for (WriteOp<?> op : batch) {
      op.completeCommitted();
    }
  }

  private void logFailure(List<WriteOp<?>> batch, Exception e) {
    if (e instanceof IllegalArgumentException) {
      return; // the caller's bad value, reported to the caller
    }
    log.error("SQLite job store {}: a change could not be committed", faults.file(), e);
  }

  private void fail(List<WriteOp<?>> batch, Exception e) {
    RuntimeException failure =
        e instanceof SQLException sql
            ? faults.of("writing", sql)
            : e instanceof IllegalArgumentException iae
                ? iae
                : new StoreException(
                    "SQLite job store " + faults.file() + ": writing failed: " + e, e);
    for (WriteOp<?> op : batch) {
      op.future.completeExceptionally(failure);
    }
  }

  private void failAll(RuntimeException e) {
    stopping = true;
    WriteOp<?> op;
    while ((op = queue.poll()) != null) {
      op.future.completeExceptionally(e);
    }
  }
}
