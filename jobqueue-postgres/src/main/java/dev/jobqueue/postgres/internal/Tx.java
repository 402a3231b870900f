package dev.jobqueue.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's connection and the transaction it is building: statements prepared once, the overlay
 * entries to restore on rollback and the work to do once the batch committed. Used by the writer
 * thread only.
 */
final class Tx {
  final Connection connection;
  final Overlay overlay;
  final Sql sql;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private final Map<String, Overlay.Entry> saved = new LinkedHashMap<>();
  private final List<Runnable> afterCommit = new ArrayList<>();

  Tx(Connection connection, Overlay overlay, Sql sql) throws SQLException {
    this.connection = connection;
    this.overlay = overlay;
    this.sql = sql;
    connection.setAutoCommit(false);
  }

  PreparedStatement prepare(String statement) throws SQLException {
    PreparedStatement ps = statements.get(statement);
    if (ps == null) {
      ps = connection.prepareStatement(statement);
      statements.put(statement, ps);
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

  void commit() throws SQLException {
    connection.commit();
    saved.clear();
    for (Runnable r : afterCommit) {
      r.run();
    }
    afterCommit.clear();
  }

  /** Rolls back and puts the overlay back as it was before this transaction. */
  void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // the connection is broken; the writer replaces it
    }
    saved.forEach(overlay::restore);
    saved.clear();
    afterCommit.clear();
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
