package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.sql.internal.JobRows;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQLite store's statements on whole {@code jobs} rows. The row encoding and column orders are
 * the shared {@link JobRows}; here is what SQLite does its own way: {@code depends_on} as JSON
 * text, multi-row inserts, and updates that leave the cold columns (and their indexes) alone.
 */
public final class JobCodec {
  private JobCodec() {}

  /** Every job column, in the order {@link #read} expects them. */
  public static final String COLUMNS = JobRows.COLUMNS;

  /** Parameters of one row of {@link #INSERT}: the cold columns, then the hot ones. */
  static final int INSERT_PARAMS = JobRows.WRITTEN_PARAMS;

  public static final String INSERT = insertRows(1);

  /** {@link #INSERT} of {@code rows} rows in one statement, bound row after row. */
  static String insertRows(int rows) {
    String row = "(?" + ", ?".repeat(INSERT_PARAMS - 1) + ")";
    return "INSERT INTO jobs ("
        + JobRows.WRITTEN
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
      "UPDATE jobs SET " + JobRows.HOT_COLUMNS.replace(",", " = ?,") + " = ? WHERE seq = ?";

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

  /** Binds all columns for {@link #INSERT}. */
  public static void bindInsert(PreparedStatement ps, Job j) throws SQLException {
    bindInsert(ps, j, 1);
  }

  /** Binds all columns for one row of {@link #insertRows}, from parameter {@code first}. */
  static void bindInsert(PreparedStatement ps, Job j, int first) throws SQLException {
    JobRows.bindHot(ps, j, JobRows.bindCold(ps, j, first, JobRows::bindJsonList));
  }

  /** Binds {@link #UPDATE_HOT} or, with all, {@link #UPDATE_ALL}. */
  public static void bindUpdate(
      PreparedStatement ps, Job j, String dependsOnJson, boolean all, long seq)
      throws SQLException {
    int i = 1;
    if (all) {
      ps.setString(i++, j.type());
      JobRows.setInstant(ps, i++, j.createdAt());
      ps.setString(i++, j.parentJobId());
      ps.setString(i++, j.userId());
      ps.setString(i++, dependsOnJson);
    }
    i = JobRows.bindHot(ps, j, i);
    ps.setLong(i, seq);
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
    JobRows.setInstant(ps, 1, next.startedAt());
    JobRows.setInstant(ps, 2, next.updatedAt());
    ps.setLong(3, next.version());
    ps.setString(4, next.owner());
    JobRows.setInstant(ps, 5, next.leaseExpiresAt());
    ps.setString(6, next.id());
    ps.setLong(7, expectedVersion);
  }

  /** Binds {@link #UPDATE_HOT_BY_ID}. */
  public static void bindUpdateHotById(PreparedStatement ps, Job j) throws SQLException {
    int i = JobRows.bindHot(ps, j, 1);
    ps.setString(i++, j.id());
    ps.setString(i++, j.type());
    JobRows.setInstant(ps, i++, j.createdAt());
    ps.setString(i++, j.parentJobId());
    ps.setString(i++, j.userId());
    JobRows.bindJsonList(ps, i, j.dependsOn());
  }

  /**
   * Reads a job from the current row, whose first columns are {@link #COLUMNS} from {@code first}.
   */
  public static Job read(ResultSet rs, int first) throws SQLException {
    return JobRows.read(rs, first, JobRows::jsonList);
  }
}
