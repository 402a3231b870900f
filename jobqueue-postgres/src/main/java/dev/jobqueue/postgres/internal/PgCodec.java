package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.sql.internal.JobRows;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The PostgreSQL side of the job row codec shared with the SQLite store ({@link JobRows}): {@code
 * depends_on} is a {@code text[]} so that "which jobs wait for X" is a GIN index lookup, and
 * database-clock columns take microseconds from now.
 */
final class PgCodec {
  private PgCodec() {}

  /** Every job column, in the order {@link #read} expects them. */
  static final String COLUMNS = JobRows.COLUMNS;

  /**
   * The columns an insert writes, in {@code JobRows}' binding order: every job column plus
   * title_lower.
   */
  static final String WRITTEN = JobRows.WRITTEN;

  /** Parameters of {@link #WRITTEN}. */
  static final int PARAMS = JobRows.WRITTEN_PARAMS;

  /** The same columns with a table alias, for statements with a join or a CTE. */
  static String columns(String alias) {
    return JobRows.columns(alias);
  }

  /** Reads a job from the current row, whose columns are {@link #COLUMNS} from {@code first}. */
  static Job read(ResultSet rs, int first) throws SQLException {
    return JobRows.read(rs, first, PgCodec::array);
  }

  /** Nanoseconds since the epoch, as every timestamp column of the store holds them. */
  static long nanos(Instant t) {
    return JobRows.nanos(t);
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

  private static List<String> array(ResultSet rs, int i) throws SQLException {
    Array a = rs.getArray(i);
    if (a == null) {
      return List.of();
    }
    Object[] values = (Object[]) a.getArray();
    return values.length == 0 ? List.of() : Arrays.stream(values).map(String.class::cast).toList();
  }
}
