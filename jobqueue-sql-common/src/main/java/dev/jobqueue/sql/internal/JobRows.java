package dev.jobqueue.sql.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Job} as a row of a {@code jobs} table, the same in both stores: timestamps are
 * nanoseconds since the epoch, lists and maps JSON text, booleans what the driver makes of {@code
 * setBoolean}. Only {@code depends_on} differs (JSON text in SQLite, {@code text[]} in PostgreSQL
 * for its GIN index); a store passes how it reads and binds it. The column orders here are the
 * single source of truth for every statement of either store that reads or writes whole rows.
 */
public final class JobRows {
  private JobRows() {}

  /** Every job column, in the order {@link #read} expects them. */
  public static final String COLUMNS =
      "id, type, status, created_at, started_at, completed_at, updated_at, progress,"
          + " progress_message, current_step, total_steps, title, description, parent_job_id,"
          + " child_job_ids, result, error, user_id, cancelable, priority, attempt, max_attempts,"
          + " depends_on, optional, eta_seconds, warnings, input, version, run_at, owner,"
          + " lease_expires_at, cancel_requested, tracked, awaiting_children, timeout_ms,"
          + " unique_key, checkpoint";

  /**
   * The columns {@link #bindCold} writes, in its order: set at insert and in practice never changed
   * after, so a store may leave them (and their indexes) out of a status change.
   */
  public static final String COLD_COLUMNS =
      "id, type, created_at, parent_job_id, user_id, depends_on, unique_key";

  /** The columns {@link #bindHot} writes, in its order (title_lower, the search form, included). */
  public static final String HOT_COLUMNS =
      "status, started_at, completed_at, updated_at, progress, progress_message, current_step,"
          + " total_steps, title, title_lower, description, child_job_ids, result, error,"
          + " cancelable, priority, attempt, max_attempts, optional, eta_seconds, warnings, input,"
          + " version, run_at, owner, lease_expires_at, cancel_requested, tracked,"
          + " awaiting_children, timeout_ms, checkpoint";

  /** Every written column: {@link #COLD_COLUMNS} then {@link #HOT_COLUMNS}. */
  public static final String WRITTEN = COLD_COLUMNS + ", " + HOT_COLUMNS;

  /** Parameters of {@link #HOT_COLUMNS}. */
  public static final int HOT_PARAMS = 31;

  /** Parameters of {@link #WRITTEN}: the 7 cold and 31 hot columns. */
  public static final int WRITTEN_PARAMS = 7 + HOT_PARAMS;

  /** Reads one column of the current row. */
  @FunctionalInterface
  public interface ColumnReader<T> {
    T read(ResultSet rs, int i) throws SQLException;
  }

  /** Binds one parameter. */
  @FunctionalInterface
  public interface ColumnBinder<T> {
    void bind(PreparedStatement ps, int i, T value) throws SQLException;
  }

  /** {@link #COLUMNS} with a table alias, for joins and CTEs. */
  public static String columns(String alias) {
    return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
  }

  /**
   * Binds {@link #COLD_COLUMNS} from parameter {@code i}; returns the next index.
   *
   * @param dependsOn how this store binds {@code depends_on}
   */
  public static int bindCold(
      PreparedStatement ps, Job j, int i, ColumnBinder<List<String>> dependsOn)
      throws SQLException {
    ps.setString(i++, j.id());
    ps.setString(i++, j.type());
    setInstant(ps, i++, j.createdAt());
    ps.setString(i++, j.parentJobId());
    ps.setString(i++, j.userId());
    dependsOn.bind(ps, i++, j.dependsOn());
    ps.setString(i++, j.uniqueKey());
    return i;
  }

  /** Binds {@link #HOT_COLUMNS} from parameter {@code i}; returns the next index. */
  public static int bindHot(PreparedStatement ps, Job j, int i) throws SQLException {
    ps.setString(i++, j.status().wireName());
    setInstant(ps, i++, j.startedAt());
    setInstant(ps, i++, j.completedAt());
    setInstant(ps, i++, j.updatedAt());
    ps.setDouble(i++, j.progress());
    ps.setString(i++, j.progressMessage());
    setInt(ps, i++, j.currentStep());
    setInt(ps, i++, j.totalSteps());
    ps.setString(i++, j.title());
    ps.setString(i++, lower(j.title()));
    ps.setString(i++, j.description());
    ps.setString(i++, Json.write(j.childJobIds()));
    ps.setString(i++, j.result() == null ? null : Json.write(j.result()));
    ps.setString(i++, j.error());
    ps.setBoolean(i++, j.cancelable());
    ps.setInt(i++, j.priority());
    ps.setInt(i++, j.attempt());
    ps.setInt(i++, j.maxAttempts());
    ps.setBoolean(i++, j.optional());
    setDouble(ps, i++, j.etaSeconds());
    ps.setString(i++, Json.write(j.warnings()));
    ps.setString(i++, Json.write(j.input()));
    ps.setLong(i++, j.version());
    setInstant(ps, i++, j.runAt());
    ps.setString(i++, j.owner());
    setInstant(ps, i++, j.leaseExpiresAt());
    ps.setBoolean(i++, j.cancelRequested());
    ps.setBoolean(i++, j.tracked());
    ps.setBoolean(i++, j.awaitingChildren());
    setMillis(ps, i++, j.timeout());
    ps.setString(i++, j.checkpoint() == null ? null : Json.write(j.checkpoint()));
    return i;
  }

  /**
   * Reads a job from the current row, whose columns are {@link #COLUMNS} from {@code first}.
   *
   * @param dependsOn how this store reads {@code depends_on}
   */
  public static Job read(ResultSet rs, int first, ColumnReader<List<String>> dependsOn)
      throws SQLException {
    int i = first;
    return new Job(
        rs.getString(i++),
        rs.getString(i++),
        JobStatus.fromWireName(rs.getString(i++)),
        instant(rs, i++),
        instant(rs, i++),
        instant(rs, i++),
        instant(rs, i++),
        rs.getDouble(i++),
        rs.getString(i++),
        integer(rs, i++),
        integer(rs, i++),
        rs.getString(i++),
        rs.getString(i++),
        rs.getString(i++),
        Json.strings(rs.getString(i++)),
        Json.map(rs.getString(i++)),
        rs.getString(i++),
        rs.getString(i++),
        rs.getBoolean(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        dependsOn.read(rs, i++),
        rs.getBoolean(i++),
        dbl(rs, i++),
        Json.strings(rs.getString(i++)),
        Json.map(rs.getString(i++)),
        rs.getLong(i++),
        instant(rs, i++),
        rs.getString(i++),
        instant(rs, i++),
        rs.getBoolean(i++),
        rs.getBoolean(i++),
        rs.getBoolean(i++),
        millis(rs, i++),
        rs.getString(i++),
        Json.map(rs.getString(i)));
  }

  /** Reads a list column kept as JSON text (SQLite's {@code depends_on}). */
  public static List<String> jsonList(ResultSet rs, int i) throws SQLException {
    return Json.strings(rs.getString(i));
  }

  /** Binds a list as JSON text (SQLite's {@code depends_on}). */
  public static void bindJsonList(PreparedStatement ps, int i, List<String> values)
      throws SQLException {
    ps.setString(i, Json.write(values));
  }

  /** Nanoseconds since the epoch; exact for every Instant between the years 1677 and 2262. */
  public static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "timestamp " + t + " is outside what the job store keeps (years 1677 to 2262)", e);
    }
  }

  public static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** A timestamp column (nanoseconds), null when the column is. */
  public static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : instant(v);
  }

  /** Binds a timestamp as nanoseconds, or NULL. */
  public static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, nanos(t));
    }
  }

  /** The text-search form of a title or search term, as {@code JobQuery.matches} lower-cases. */
  public static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.DOUBLE);
    } else {
      ps.setDouble(i, v);
    }
  }

  private static void setMillis(PreparedStatement ps, int i, Duration d) throws SQLException {
    if (d == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, d.toMillis());
    }
  }

  private static Integer integer(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }

  private static Double dbl(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? null : v;
  }

  private static Duration millis(ResultSet rs, int i) throws SQLException {
    long ms = rs.getLong(i);
    return rs.wasNull() ? null : Duration.ofMillis(ms);
  }
}
