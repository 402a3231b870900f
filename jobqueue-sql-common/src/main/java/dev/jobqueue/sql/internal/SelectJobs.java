package dev.jobqueue.sql.internal;

import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The SQL of a {@link JobQuery}: each filter is a condition an index serves, ordered newest first
 * by (created_at, seq) so equal timestamps keep insertion order. Only the {@code depends_on}
 * condition differs between the stores.
 */
public final class SelectJobs {
  private SelectJobs() {}

  /**
   * The statement for {@code q}; its parameters are appended to {@code params} (Strings and
   * Integers), to bind with {@link #bind}.
   *
   * @param table the jobs table
   * @param dependsOn the condition "depends on the job id of the one parameter"
   */
  public static String sql(String table, String dependsOn, JobQuery q, List<Object> params) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(JobRows.COLUMNS)
            .append(" FROM ")
            .append(table)
            .append(" WHERE 1 = 1");
    if (!q.statuses().isEmpty()) {
      sql.append(" AND status IN (");
      // a stable order, so equal queries share one cached statement
      boolean first = true;
      for (JobStatus s : JobStatus.values()) {
        if (q.statuses().contains(s)) {
          sql.append(first ? "?" : ", ?");
          first = false;
          params.add(s.wireName());
        }
      }
      sql.append(')');
    }
    if (q.type() != null) {
      sql.append(" AND type = ?");
      params.add(q.type());
    }
    if (q.parentJobId() != null) {
      sql.append(" AND parent_job_id = ?");
      params.add(q.parentJobId());
    }
    if (q.userId() != null) {
      sql.append(" AND user_id = ?");
      params.add(q.userId());
    }
    if (q.dependsOn() != null) {
      sql.append(" AND ").append(dependsOn);
      params.add(q.dependsOn());
    }
    if (q.text() != null) {
      sql.append(" AND title_lower LIKE ? ESCAPE '\\'");
      params.add("%" + escapeLike(JobRows.lower(q.text())) + "%");
    }
    sql.append(" ORDER BY created_at DESC, seq DESC LIMIT ?");
    params.add(q.limit());
    return sql.toString();
  }

  /** Makes % and _ (and the escape character itself) match literally. */
  static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** Binds parameters collected by {@link #sql}. */
  public static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) p);
      }
    }
  }
}
