package dev.jobqueue.sqlite.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link Job} to the columns of the {@code jobs} table and back. The column order here is
 * the single source of truth for every statement that reads or writes whole rows.
 */
public final class JobCodec {
  private JobCodec() {}

  /** Every job column, in the order {@link #read} expects them. */
  public static final String COLUMNS =
      "id, type, status, created_at, started_at, completed_at, updated_at, progress,"
          + " progress_message, current_step, total_steps, title, description, parent_job_id,"
          + " child_job_ids, result, error, user_id, cancelable, priority, attempt, max_attempts,"
          + " depends_on, optional, eta_seconds, warnings, input, version, run_at, owner,"
          + " lease_expires_at, cancel_requested, tracked, awaiting_children, timeout_ms,"
          + " unique_key, checkpoint";

  /** The same columns with a table alias, for joins. */
  public static String columns(String alias) {
    return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
  }

  /** Parameters of one row of {@link #INSERT}: id, the six cold columns, the hot ones. */
  static final int INSERT_PARAMS = 38;

  /** The columns {@link #UPDATE_HOT} sets, in its order (title_lower included). */
  private static final String HOT_COLUMNS =
      "status, started_at, completed_at, updated_at, progress, progress_message, current_step,"
          + " total_steps, title, title_lower, description, child_job_ids, result, error,"
          + " cancelable, priority, attempt, max_attempts, optional, eta_seconds, warnings, input,"
          + " version, run_at, owner, lease_expires_at, cancel_requested, tracked,"
          + " awaiting_children, timeout_ms, checkpoint";

  public static final String INSERT = insertRows(1);

  /** {@link #INSERT} of {@code rows} rows in one statement, bound row after row. */
  static String insertRows(int rows) {
    String row = "(?" + ", ?".repeat(INSERT_PARAMS - 1) + ")";
    return "INSERT INTO jobs (id, type, created_at, parent_job_id, user_id, depends_on, unique_key, "
        + HOT_COLUMNS
        + ") VALUES "
        + row
        + ("," + row).repeat(rows - 1);
  }

  /**
   * Every column that a state change may touch. Leaves out the columns that in practice never
   * change after insert (type, created_at, parent, user, depends_on) so that SQLite does not
   * rewrite their indexes on every status change; {@link #UPDATE_ALL} covers the rare rest.
   */
  public static final String UPDATE_HOT =
      "UPDATE jobs SET " + HOT_COLUMNS.replace(",", " = ?,") + " = ? WHERE seq = ?";

  /**
   * {@link #UPDATE_HOT} by id, matching only while the rarely changing columns are unchanged, so a
   * change needs no read of the row first.
   */
  public static final String UPDATE_HOT_BY_ID =
      UPDATE_HOT.substring(0, UPDATE_HOT.indexOf(" WHERE seq = ?"))
          + " WHERE id = ? AND type = ? AND created_at = ? AND parent_job_id IS ? AND user_id IS ?"
          + " AND depends_on = ?";

  /** Starts a queued job at a known version: only the columns a start changes. */
  static final String START =
      "UPDATE jobs SET status = 'running', started_at = ?, completed_at = NULL, updated_at = ?,"
          + " version = ?, run_at = NULL, owner = ?, lease_expires_at = ?"
          + " WHERE id = ? AND version = ? AND status = 'queued'";

  public static final String UPDATE_ALL =
      "UPDATE jobs SET type = ?, created_at = ?, parent_job_id = ?, user_id = ?, depends_on = ?,"
          + UPDATE_HOT.substring("UPDATE jobs SET".length());

  /**
   * Default number handling: ints come back as Integer, larger ones as Long, decimals as Double.
   */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  /** Binds all columns for {@link #INSERT}. */
  public static void bindInsert(PreparedStatement ps, Job j) throws SQLException {
    bindInsert(ps, j, 1);
  }

  /** Binds all columns for one row of {@link #insertRows}, from parameter {@code first}. */
  static void bindInsert(PreparedStatement ps, Job j, int first) throws SQLException {
    int i = first;
    ps.setString(i++, j.id());
    ps.setString(i++, j.type());
    setInstant(ps, i++, j.createdAt());
    ps.setString(i++, j.parentJobId());
    ps.setString(i++, j.userId());
    ps.setString(i++, json(j.dependsOn()));
    ps.setString(i++, j.uniqueKey());
    bindHot(ps, j, i);
  }

  /** Binds {@link #UPDATE_HOT} (from parameter {@code first}) or, with all, {@link #UPDATE_ALL}. */
  public static void bindUpdate(
      PreparedStatement ps, Job j, String dependsOnJson, boolean all, long seq)
      throws SQLException {
    int i = 1;
    if (all) {
      ps.setString(i++, j.type());
      setInstant(ps, i++, j.createdAt());
      ps.setString(i++, j.parentJobId());
      ps.setString(i++, j.userId());
      ps.setString(i++, dependsOnJson);
    }
    i = bindHot(ps, j, i);
    ps.setLong(i, seq);
  }

  /** Binds the columns of {@link #UPDATE_HOT} from parameter {@code i}; returns the next index. */
  private static int bindHot(PreparedStatement ps, Job j, int i) throws SQLException {
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
    ps.setString(i++, json(j.childJobIds()));
    ps.setString(i++, j.result() == null ? null : json(j.result()));
    ps.setString(i++, j.error());
    ps.setInt(i++, j.cancelable() ? 1 : 0);
    ps.setInt(i++, j.priority());
    ps.setInt(i++, j.attempt());
    ps.setInt(i++, j.maxAttempts());
    ps.setInt(i++, j.optional() ? 1 : 0);
    setDouble(ps, i++, j.etaSeconds());
    ps.setString(i++, json(j.warnings()));
    ps.setString(i++, json(j.input()));
    ps.setLong(i++, j.version());
    setInstant(ps, i++, j.runAt());
    ps.setString(i++, j.owner());
    setInstant(ps, i++, j.leaseExpiresAt());
    ps.setInt(i++, j.cancelRequested() ? 1 : 0);
    ps.setInt(i++, j.tracked() ? 1 : 0);
    ps.setInt(i++, j.awaitingChildren() ? 1 : 0);
    if (j.timeout() == null) {
      ps.setNull(i++, Types.BIGINT);
    } else {
      ps.setLong(i++, j.timeout().toMillis());
    }
    ps.setString(i++, j.checkpoint() == null ? null : json(j.checkpoint()));
    return i;
  }

  /**
   * What {@code queued} becomes when started as {@code next} says (the fields of {@link #START}),
   * to check that {@code next} changes nothing else.
   */
  static Job started(Job queued, Job next) {
    return queued.toBuilder()
        .status(JobStatus.RUNNING)
        .startedAt(next.startedAt())
        .completedAt(null)
        .updatedAt(next.updatedAt())
        .version(next.version())
        .runAt(null)
        .owner(next.owner())
        .leaseExpiresAt(next.leaseExpiresAt())
        .build();
  }

  /** Binds {@link #START}. */
  static void bindStart(PreparedStatement ps, Job next, long expectedVersion) throws SQLException {
    setInstant(ps, 1, next.startedAt());
    setInstant(ps, 2, next.updatedAt());
    ps.setLong(3, next.version());
    ps.setString(4, next.owner());
    setInstant(ps, 5, next.leaseExpiresAt());
    ps.setString(6, next.id());
    ps.setLong(7, expectedVersion);
  }

  /** Binds {@link #UPDATE_HOT_BY_ID}. */
  public static void bindUpdateHotById(PreparedStatement ps, Job j) throws SQLException {
    int i = bindHot(ps, j, 1);
    ps.setString(i++, j.id());
    ps.setString(i++, j.type());
    setInstant(ps, i++, j.createdAt());
    ps.setString(i++, j.parentJobId());
    ps.setString(i++, j.userId());
    ps.setString(i, json(j.dependsOn()));
  }

  /**
   * Reads a job from the current row, whose first columns are {@link #COLUMNS} from {@code first}.
   */
  public static Job read(ResultSet rs, int first) throws SQLException {
    int i = first;
    return new Job(
        rs.getString(i++),
        rs.getString(i++),
        status(rs.getString(i++)),
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
        strings(rs.getString(i++)),
        map(rs.getString(i++)),
        rs.getString(i++),
        rs.getString(i++),
        rs.getInt(i++) != 0,
        rs.getInt(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        strings(rs.getString(i++)),
        rs.getInt(i++) != 0,
        dbl(rs, i++),
        strings(rs.getString(i++)),
        map(rs.getString(i++)),
        rs.getLong(i++),
        instant(rs, i++),
        rs.getString(i++),
        instant(rs, i++),
        rs.getInt(i++) != 0,
        rs.getInt(i++) != 0,
        rs.getInt(i++) != 0,
        millis(rs, i++),
        rs.getString(i++),
        map(rs.getString(i)));
  }

  private static java.time.Duration millis(ResultSet rs, int i) throws SQLException {
    long ms = rs.getLong(i);
    return rs.wasNull() ? null : java.time.Duration.ofMillis(ms);
  }

  /** Nanoseconds since the epoch; exact for every Instant between the years 1677 and 2262. */
  public static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "timestamp " + t + " is outside what the SQLite store keeps (years 1677 to 2262)", e);
    }
  }

  public static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * The text-search form of a title or search term: Java's lower case, like {@code
   * JobQuery.matches}.
   */
  public static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  public static String json(Object value) {
    // most lists (children, warnings, depends_on) are empty: skip Jackson on the writer's hot path
    if (value instanceof java.util.Collection<?> c && c.isEmpty()) {
      return "[]";
    }
    if (value instanceof Map<?, ?> m && m.isEmpty()) {
      return "{}";
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write a job value as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JobStatus status(String s) {
    return JobStatus.fromWireName(s);
  }

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setLong(i, nanos(t));
    }
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
      ps.setNull(i, Types.REAL);
    } else {
      ps.setDouble(i, v);
    }
  }

  private static Instant instant(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? null : instant(v);
  }

  private static Integer integer(ResultSet rs, int i) throws SQLException {
    int v = rs.getInt(i);
    return rs.wasNull() ? null : v;
  }

  private static Double dbl(ResultSet rs, int i) throws SQLException {
    double v = rs.getDouble(i);
    return rs.wasNull() ? null : v;
  }

  private static List<String> strings(String json) throws SQLException {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt JSON list in the jobs table: " + e.getOriginalMessage(), e);
    }
  }

  static Map<String, Object> map(String json) throws SQLException {
    if (json == null) {
      return null;
    }
    if (json.equals("{}")) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt JSON object in the jobs table: " + e.getOriginalMessage(), e);
    }
  }
}
