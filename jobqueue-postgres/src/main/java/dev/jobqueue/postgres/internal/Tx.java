package dev.jobqueue.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * The writer's connection and the transaction it is building: statements prepared once, the overlay
 * entries to restore on rollback and the work to do once the batch committed. Used by the writer
 * thread only.
 */
final class Tx {
  final Connection connection;
  final Overlay overlay;
  final Sql sql;

  /** This store instance's id, recorded with its events so that its feed knows them as its own. */
  final String origin;

  /** Whether this transaction appended to the events table (then it notifies other instances). */
  boolean wroteEvents;

  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, Overlay.Entry> saved = new LinkedHashMap<>();
  private final List<Runnable> afterCommit = new ArrayList<>();

  /**
   * Job updates sent together ({@link PreparedStatement#executeBatch}: one round trip for many),
   * each with what to do with its row count, and the jobs they touch.
   */
  private PreparedStatement batch;

  private final List<IntConsumer> batchResults = new ArrayList<>();
  private final Set<String> batchedJobs = new HashSet<>();

  Tx(Connection connection, Overlay overlay, Sql sql, String origin) throws SQLException {
    this.connection = connection;
    this.overlay = overlay;
    this.sql = sql;
    this.origin = origin;
    connection.setAutoCommit(false);
  }

  /**
   * Adds the bound statement {@code ps} to the batch; {@code onCount} gets its row count when the
   * batch runs: before any other statement, and at commit at the latest.
   */
  void addToBatch(PreparedStatement ps, String jobId, IntConsumer onCount) throws SQLException {
    if (batch != null && batch != ps) {
      runBatch();
    }
    ps.addBatch();
    batch = ps;
    batchResults.add(onCount);
    batchedJobs.add(jobId);
  }

  /** Whether a change of {@code jobId} waits in the batch (a later one must see its outcome). */
  boolean batched(String jobId) {
    return batchedJobs.contains(jobId);
  }

  /** Runs the batched statements, if any, and hands out their row counts. */
  void runBatch() throws SQLException {
    if (batch == null) {
      return;
    }
    PreparedStatement ps = batch;
    List<IntConsumer> results = List.copyOf(batchResults);
    batch = null;
    batchResults.clear();
    batchedJobs.clear();
    int[] counts = ps.executeBatch();
    for (int i = 0; i < counts.length; i++) {
      results.get(i).accept(counts[i]);
    }
  }

  PreparedStatement prepare(String statement) throws SQLException {
    PreparedStatement ps = statements.get(statement);
    if (ps == null) {
      ps = connection.prepareStatement(statement);
      statements.put(statement, ps);
    }
    if (batch != null && batch != ps) {
      runBatch(); // statements run in the order the changes came
    }
    return ps;
  }

  /** Remembers the overlay entry of {@code id} before this transaction changes it. */
  void touch(String id) {
    if (!saved.containsKey(id)) {
      saved.put(id, overlay.entry(id));
    }
  }

  void afterCommit(Runnable r) {
    afterCommit.add(r);
  }

  /**
   * Commits; with {@code notify}, wakes every instance's feed (one notification at most). Returns
   * whether the transaction appended events.
   */
  boolean commit(boolean notify) throws SQLException {
    runBatch(); // its row counts say whether it wrote events
    boolean events = wroteEvents;
    if (notify && wroteEvents) {
      PreparedStatement ps = prepare("SELECT pg_notify(?, '')");
      ps.setString(1, sql.channel);
      ps.executeQuery().close();
    }
    wroteEvents = false;
    connection.commit();
    saved.clear();
    for (Runnable r : afterCommit) {
      r.run();
    }
    afterCommit.clear();
    return events;
  }

  /** Rolls back and puts the overlay back as it was before this transaction. */
  void rollback() {
    if (batch != null) {
      try {
        batch.clearBatch();
      } catch (SQLException e) {
        // the connection is broken; the writer replaces it
      }
      batch = null;
    }
    batchResults.clear();
    batchedJobs.clear();
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the connection is broken; the writer replaces it
    }
    saved.forEach(overlay::restore);
    saved.clear();
    afterCommit.clear();
    wroteEvents = false;
  }

  void close() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
