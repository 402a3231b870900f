package dev.jobqueue.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a {@link Job} to the columns of the {@code jobs} table and back. The column order here is
 * the single source of truth for every statement that reads or writes whole rows. Encoding as in
 * the SQLite store: timestamps are nanoseconds since the epoch, lists and maps JSON text; {@code
 * depends_on} is a {@code text[]} so that "which jobs wait for X" is a GIN index lookup.
 */
final class PgCodec {
  private PgCodec() {}

  /** Every job column, in the order {@link #read} expects them. */
  static final String COLUMNS =
      "id, type, status, created_at, started_at, completed_at, updated_at, progress,"
          + " progress_message, current_step, total_steps, title, description, parent_job_id,"
          + " child_job_ids, result, error, user_id, cancelable, priority, attempt, max_attempts,"
          + " depends_on, optional, eta_seconds, warnings, input, version, run_at, owner,"
          + " lease_expires_at, cancel_requested, tracked, awaiting_children, timeout_ms,"
          + " unique_key, checkpoint";

  /** The columns {@link #bind} writes, in its order: every job column plus title_lower. */
  static final String WRITTEN = COLUMNS + ", title_lower";

  /** Parameters {@link #bind} sets. */
  static final int PARAMS = 38;

  /** The same columns with a table alias, for statements with a join or a CTE. */
  static String columns(String alias) {
    return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
  }

  /** Default number handling: ints come back as Integer, larger ones as Long, decimals Double. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  /** Binds the {@link #WRITTEN} columns from parameter {@code i}; returns the next index. */
  static int bind(Connection c, PreparedStatement ps, Job j, int i) throws SQLException {
    ps.setString(i++, j.id());
    ps.setString(i++, j.type());
    ps.setString(i++, j.status().wireName());
    ps.setLong(i++, nanos(j.createdAt()));
    setInstant(ps, i++, j.startedAt());
    setInstant(ps, i++, j.completedAt());
    ps.setLong(i++, nanos(j.updatedAt()));
    ps.setDouble(i++, j.progress());
    ps.setString(i++, j.progressMessage());
    setInt(ps, i++, j.currentStep());
    setInt(ps, i++, j.totalSteps());
    ps.setString(i++, j.title());
    ps.setString(i++, j.description());
    ps.setString(i++, j.parentJobId());
    ps.setString(i++, json(j.childJobIds()));
    ps.setString(i++, j.result() == null ? null : json(j.result()));
    ps.setString(i++, j.error());
    ps.setString(i++, j.userId());
    ps.setBoolean(i++, j.cancelable());
    ps.setInt(i++, j.priority());
    ps.setInt(i++, j.attempt());
    ps.setInt(i++, j.maxAttempts());
    ps.setArray(i++, textArray(c, j.dependsOn()));
    ps.setBoolean(i++, j.optional());
    if (j.etaSeconds() == null) {
      ps.setNull(i++, Types.DOUBLE);
    } else {
      ps.setDouble(i++, j.etaSeconds());
    }
    ps.setString(i++, json(j.warnings()));
    ps.setString(i++, json(j.input()));
    ps.setLong(i++, j.version());
    setInstant(ps, i++, j.runAt());
    ps.setString(i++, j.owner());
    setInstant(ps, i++, j.leaseExpiresAt());
    ps.setBoolean(i++, j.cancelRequested());
    ps.setBoolean(i++, j.tracked());
    ps.setBoolean(i++, j.awaitingChildren());
    if (j.timeout() == null) {
      ps.setNull(i++, Types.BIGINT);
    } else {
      ps.setLong(i++, j.timeout().toMillis());
    }
    ps.setString(i++, j.uniqueKey());
    ps.setString(i++, j.checkpoint() == null ? null : json(j.checkpoint()));
    ps.setString(i++, lower(j.title()));
    return i;
  }

  static Array textArray(Connection c, List<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray());
  }

  /** Reads a job from the current row, whose columns are {@link #COLUMNS} from {@code first}. */
  static Job read(ResultSet rs, int first) throws SQLException {
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
        strings(rs.getString(i++)),
        map(rs.getString(i++)),
        rs.getString(i++),
        rs.getString(i++),
        rs.getBoolean(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        rs.getInt(i++),
        array(rs.getArray(i++)),
        rs.getBoolean(i++),
        dbl(rs, i++),
        strings(rs.getString(i++)),
        map(rs.getString(i++)),
        rs.getLong(i++),
        instant(rs, i++),
        rs.getString(i++),
        instant(rs, i++),
        rs.getBoolean(i++),
        rs.getBoolean(i++),
        rs.getBoolean(i++),
        millis(rs, i++),
        rs.getString(i++),
        map(rs.getString(i)));
  }

  /** Nanoseconds since the epoch; exact for every Instant between the years 1677 and 2262. */
  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "timestamp " + t + " is outside what the PostgreSQL store keeps (years 1677 to 2262)", e);
    }
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * Microseconds from this JVM's clock to {@code t}, for a database-clock column: the database
   * stores {@code now() + offset}, so every instance measures leases with the one database clock
   * while callers keep speaking in their own instants.
   */
  static Long microsFromNow(Instant t) {
    if (t == null) {
      return null;
    }
    Duration d = Duration.between(Instant.now(), t);
    return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
  }

  static void setMicros(PreparedStatement ps, int i, Long micros) throws SQLException {
    if (micros == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, micros);
    }
  }

  /** The text-search form of a title or search term, as {@code JobQuery.matches} lower-cases. */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static String json(Object value) {
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

  private static void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.BIGINT);
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

  private static Duration millis(ResultSet rs, int i) throws SQLException {
    long ms = rs.getLong(i);
    return rs.wasNull() ? null : Duration.ofMillis(ms);
  }

  private static List<String> array(Array a) throws SQLException {
    if (a == null) {
      return List.of();
    }
    Object[] values = (Object[]) a.getArray();
    return values.length == 0 ? List.of() : Arrays.stream(values).map(String.class::cast).toList();
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
