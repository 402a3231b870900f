package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.sql.internal.JobRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

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
   * Job updates waiting to be sent together, in one statement ({@link Sql#updateMany}), each with
   * what to do with its outcome, by job (at most one each), in the order they came.
   */
  private final Map<String, PendingUpdate> updates = new LinkedHashMap<>();

  /** Whether reservations may be held, only locked, in this transaction ({@link ReserveOp}). */
  private boolean mayHold;

  /** The reservations this transaction holds only locked. */
  final HeldReservations held = new HeldReservations();

  /** Whether this transaction set the planner to index scans ({@link Sql#indexOnly}). */
  private boolean planned;

  private record PendingUpdate(
      Job next, long base, boolean statusChanged, Consumer<Boolean> then) {}

  Tx(Connection connection, Overlay overlay, Sql sql, String origin) throws SQLException {
    this.connection = connection;
    this.overlay = overlay;
    this.sql = sql;
    this.origin = origin;
    connection.setAutoCommit(false);
  }

  /**
   * Adds the compare-and-set of {@code next} over version {@code base} to the batch; {@code then}
   * learns whether it applied when the batch runs: before any other statement, and at commit at the
   * latest. The batch must not hold a change of the same job ({@link #batched}).
   */
  void addUpdate(Job next, long base, boolean statusChanged, Consumer<Boolean> then) {
    if (updates.putIfAbsent(next.id(), new PendingUpdate(next, base, statusChanged, then))
        != null) {
      throw new IllegalStateException("job " + next.id() + " changes twice in one batch");
    }
  }

  /** Whether a change of {@code jobId} waits in the batch (a later one must see its outcome). */
  boolean batched(String jobId) {
    return updates.containsKey(jobId);
  }

  /** Runs the batched updates, if any, and hands out their outcomes. */
  void runBatch() throws SQLException {
    if (updates.isEmpty()) {
      return;
    }
    List<PendingUpdate> run = List.copyOf(updates.values());
    updates.clear();
    ColumnArrays rows = new ColumnArrays(Sql.UPDATE_ARRAYS, run.size());
    for (int r = 0; r < run.size(); r++) {
      PendingUpdate u = run.get(r);
      PreparedStatement row = rows.row(r);
      int i = JobRows.bindHot(row, u.next(), 1);
      PgCodec.setMicros(row, i++, PgCodec.microsFromNow(u.next().leaseExpiresAt()));
      row.setString(i++, u.next().id());
      row.setLong(i++, u.base());
      row.setBoolean(i, u.statusChanged());
    }
    PreparedStatement ps = statement(sql.updateMany);
    ps.setString(rows.bind(connection, ps, 1), origin);
    Set<String> applied = new HashSet<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        applied.add(rs.getString(1));
      }
    }
    wroteEvents |= !applied.isEmpty();
    for (PendingUpdate u : run) {
      u.then().accept(applied.contains(u.next().id()));
    }
  }

  /** The statement, prepared once; any batched updates run first (in the order changes came). */
  PreparedStatement prepare(String statement) throws SQLException {
    runBatch();
    return statement(statement);
  }

  private PreparedStatement statement(String statement) throws SQLException {
    planIndexOnly();
    return prepared(statement);
  }

  /**
   * A savepoint, after the batched updates ran. The planner settings come first: rolling back to a
   * savepoint undoes what was set after it.
   */
  Savepoint savepoint() throws SQLException {
    runBatch();
    planIndexOnly();
    return connection.setSavepoint();
  }

  private void planIndexOnly() throws SQLException {
    if (!planned) {
      planned = true;
      prepared(sql.indexOnly).executeQuery().close();
    }
  }

  private PreparedStatement prepared(String statement) throws SQLException {
    PreparedStatement ps = statements.get(statement);
    if (ps == null) {
      ps = connection.prepareStatement(statement);
      statements.put(statement, ps);
    }
    return ps;
  }

  boolean mayHoldReservations() {
    return mayHold;
  }

  /** Set by the writer at the start of each transaction. */
  void mayHoldReservations(boolean may) {
    mayHold = may;
  }

  /**
   * Writes the reservations of the held jobs this transaction did not change (their start did not
   * come): at commit, and before any statement that reads or writes reservations, which would
   * otherwise miss them (this transaction's own locks do not keep it off the rows).
   */
  void writeHeldReservations() throws SQLException {
    for (Map.Entry<ReserveOp, List<String>> e : held.takeUnchanged().entrySet()) {
      e.getKey().writeReservation(this, e.getValue());
    }
  }

  /**
   * Remembers the overlay entry of {@code id} before this transaction changes it; the change ends
   * any reservation the transaction holds on it.
   */
  void touch(String id) {
    held.changed(id);
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
    writeHeldReservations();
    runBatch(); // its outcomes say whether it wrote events
    boolean events = wroteEvents;
    if (notify && wroteEvents) {
      PreparedStatement ps = prepare("SELECT pg_notify(?, '')");
      ps.setString(1, sql.channel);
      ps.executeQuery().close();
    }
    wroteEvents = false;
    connection.commit();
    planned = false;
    held.clear();
    saved.clear();
    for (Runnable r : afterCommit) {
      r.run();
    }
    afterCommit.clear();
    return events;
  }

  /** Rolls back and puts the overlay back as it was before this transaction. */
  void rollback() {
    updates.clear();
    planned = false;
    held.clear();
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
