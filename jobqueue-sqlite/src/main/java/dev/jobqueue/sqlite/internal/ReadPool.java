package dev.jobqueue.sqlite.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed set of read-only connections. WAL lets them read while the writer writes; each read is
 * its own short transaction (autocommit), so it sees every change committed before it started.
 */
final class ReadPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReadPool.class);
  private static final int STATEMENT_CACHE = 64;

  /** A connection with its own prepared-statement cache (statements belong to one connection). */
  static final class Reader {
    final Connection connection;
    private final Map<String, PreparedStatement> statements =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > STATEMENT_CACHE) {
              closeQuietly(eldest.getValue());
              return true;
            }
            return false;
          }
        };

    Reader(Connection connection) {
      this.connection = connection;
    }

    PreparedStatement prepare(String sql) throws SQLException {
      PreparedStatement ps = statements.get(sql);
      if (ps == null) {
        ps = connection.prepareStatement(sql);
        statements.put(sql, ps);
      }
      return ps;
    }

    /** After a failed read: a statement whose step failed may be closed by the driver. */
    void forgetStatements() {
      statements.values().forEach(ReadPool::closeQuietly);
      statements.clear();
    }

    void close() {
      statements.values().forEach(ReadPool::closeQuietly);
      statements.clear();
      try {
        connection.close();
      } catch (SQLException e) {
        log.warn("closing a SQLite read connection failed", e);
      }
    }
  }

  private final BlockingQueue<Reader> idle;
  private final List<Reader> all = new ArrayList<>();
  private volatile boolean closed;

  ReadPool(List<Connection> connections) {
    idle = new ArrayBlockingQueue<>(connections.size());
    for (Connection c : connections) {
      Reader r = new Reader(c);
      all.add(r);
      idle.add(r);
    }
  }

  /** Takes a connection, waiting (not interruptibly: reads are short) when all are in use. */
  Reader borrow() {
    if (closed) {
      throw new IllegalStateException("the SQLite job store is closed");
    }
    Reader r = idle.poll();
    boolean interrupted = false;
    while (r == null && !closed) {
      try {
        // a timed wait so that a close() while we wait is noticed
        r = idle.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (closed) {
      if (r == null) {
        throw new IllegalStateException("the SQLite job store is closed");
      }
      r.close();
      throw new IllegalStateException("the SQLite job store is closed");
    }
    return r;
  }

  void release(Reader r) {
    if (closed) {
      r.close();
    } else {
      idle.add(r);
    }
  }

  /** Closes idle connections now; those in use close when they are released. */
  @Override
  public void close() {
    closed = true;
    Reader r;
    while ((r = idle.poll()) != null) {
      r.close();
    }
  }

  int size() {
    return all.size();
  }

  static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.debug("closing {} failed", c, e);
    }
  }
}
