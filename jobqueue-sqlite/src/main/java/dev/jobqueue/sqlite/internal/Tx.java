package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.sql.internal.JobRows;
import dev.jobqueue.sql.internal.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The writer's connection and the state of the transaction it is building: statements prepared
 * once, the overlay entries to restore on rollback and the overlay changes to publish after the
 * commit. Used by the writer thread only.
 */
final class Tx implements AutoCloseable {

  /** What the writer needs of a stored row before it changes it. */
  record RowHead(
      long seq,
      long version,
      String type,
      long createdAt,
      String parentJobId,
      String userId,
      String dependsOn) {}

  /** A change to publish to the overlay once committed. */
  private record Committed(String id, long version, JobStatus status) {}

  static final String HEAD_BY_ID =
      "SELECT seq, version, type, created_at, parent_job_id, user_id, depends_on FROM jobs WHERE id = ?";
  static final String ROW_BY_SEQ = "SELECT " + JobCodec.COLUMNS + " FROM jobs WHERE seq = ?";

  final Connection connection;
  final Overlay overlay;

  /** Snapshots this writer wrote, to skip decoding rows it reads back (claims, purges). */
  final Snapshots snapshots = new Snapshots();

  private final Statement control;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** Overlay entries as they were before this transaction touched them (null: absent). */
  private final Map<String, Overlay.Entry> saved = new LinkedHashMap<>();

  private final List<Committed> committed = new ArrayList<>();
  private final List<Overlay.Flush> flushed = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();

  /** Reservations taken in this transaction, dropped if it rolls back. */
  private final List<String> reserved = new ArrayList<>();

  Tx(Connection connection, Overlay overlay) throws SQLException {
    this.connection = connection;
    this.overlay = overlay;
    this.control = connection.createStatement();
  }

  PreparedStatement prepare(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  void begin() throws SQLException {
    saved.clear();
    committed.clear();
    flushed.clear();
    deleted.clear();
    reserved.clear();
    // IMMEDIATE takes the write lock now, so a conflict shows here (busy timeout) and not half way
    control.execute("BEGIN IMMEDIATE");
  }

  void commit() throws SQLException {
    control.execute("COMMIT");
    for (Committed c : committed) {
      overlay.committed(c.id(), c.version(), c.status());
    }
    for (Overlay.Flush f : flushed) {
      overlay.flushed(f);
    }
    overlay.forget(deleted);
  }

  /** Rolls back and puts the overlay back as it was before this transaction. */
  void rollback() {
    try {
      control.execute("ROLLBACK");
    } catch (SQLException e) {
      // no transaction open: BEGIN failed, or SQLite already rolled back (e.g. SQLITE_FULL)
    }
    saved.forEach(overlay::restore);
    saved.clear();
    overlay.reservations.forget(reserved);
    reserved.clear();
    snapshots.clear(); // they may hold versions that were never committed
    // sqlite-jdbc closes a prepared statement whose step failed (SQLITE_FULL, an I/O error):
    // kept in the cache it would fail every later change with "statement is not executing", so
    // the store would never recover when the cause goes away. Failures are rare; preparing again
    // is cheap.
    statements.values().forEach(ReadPool::closeQuietly);
    statements.clear();
  }

  /** Remembers the overlay entry of {@code id} before this transaction changes it. */
  void touch(String id) {
    if (!saved.containsKey(id)) {
      saved.put(id, overlay.entry(id));
    }
  }

  void afterCommit(String id, long version, JobStatus status) {
    committed.add(new Committed(id, version, status));
  }

  /** Job {@code id} was reserved in this transaction. */
  void reserved(String id) {
    reserved.add(id);
  }

  void afterCommitFlushed(Overlay.Flush f) {
    flushed.add(f);
  }

  void afterCommitDeleted(String id) {
    deleted.add(id);
  }

  /** The head of the row of {@code id}, or null when there is none. */
  RowHead head(String id) throws SQLException {
    PreparedStatement ps = prepare(HEAD_BY_ID);
    ps.setString(1, id);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return new RowHead(
          rs.getLong(1),
          rs.getLong(2),
          rs.getString(3),
          rs.getLong(4),
          rs.getString(5),
          rs.getString(6),
          rs.getString(7));
    }
  }

  /**
   * Writes {@code next} over the row {@code head}; the wide statement only when a rarely changing
   * (indexed) column differs, so status changes do not rewrite the type, parent or user indexes.
   */
  void write(RowHead head, Job next) throws SQLException {
    String deps = Json.write(next.dependsOn());
    boolean all =
        !next.type().equals(head.type())
            || JobRows.nanos(next.createdAt()) != head.createdAt()
            || !Objects.equals(next.parentJobId(), head.parentJobId())
            || !Objects.equals(next.userId(), head.userId())
            || !deps.equals(head.dependsOn());
    PreparedStatement ps = prepare(all ? JobCodec.UPDATE_ALL : JobCodec.UPDATE_HOT);
    JobCodec.bindUpdate(ps, next, deps, all, head.seq());
    ps.executeUpdate();
    remember(next);
  }

  /**
   * After {@code next} was written: finished jobs are remembered for the purge that deletes them.
   */
  void remember(Job next) {
    if (next.isTerminal()) {
      snapshots.put(next);
    } else {
      snapshots.remove(next.id());
    }
  }

  /**
   * Writes {@code next} over its row by id with the narrow statement, provided the rarely changing
   * columns still hold what {@code next} has; false when no row matched (then use {@link #write}).
   */
  boolean writeHot(Job next) throws SQLException {
    PreparedStatement ps = prepare(JobCodec.UPDATE_HOT_BY_ID);
    JobCodec.bindUpdateHotById(ps, next);
    if (ps.executeUpdate() != 1) {
      return false;
    }
    remember(next);
    return true;
  }

  @Override
  public void close() {
    statements.values().forEach(ReadPool::closeQuietly);
    statements.clear();
    ReadPool.closeQuietly(control);
  }
}
