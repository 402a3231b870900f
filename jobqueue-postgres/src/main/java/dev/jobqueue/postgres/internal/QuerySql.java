package dev.jobqueue.postgres.internal;

import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of a {@link JobQuery}: each filter is a condition an index serves, ordered newest first
 * by (created_at, seq) so equal timestamps keep insertion order.
 */
record QuerySql(String sql, List<Object> params) {

  static QuerySql of(String jobs, JobQuery q) {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(PgCodec.COLUMNS)
            .append(" FROM ")
            .append(jobs)
            .append(" WHERE true");
    List<Object> params = new ArrayList<>();
    if (!q.statuses().isEmpty()) {
      sql.append(" AND status IN (");
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
      // the second condition is the GIN index's predicate, so the planner may use it
      sql.append(" AND depends_on @> ARRAY[?]::text[] AND depends_on <> '{}'");
      params.add(q.dependsOn());
    }
    if (q.text() != null) {
      sql.append(" AND title_lower LIKE ? ESCAPE '\\'");
      params.add("%" + escapeLike(PgCodec.lower(q.text())) + "%");
    }
    sql.append(" ORDER BY created_at DESC, seq DESC LIMIT ?");
    params.add(q.limit());
    return new QuerySql(sql.toString(), List.copyOf(params));
  }

  /** Makes % and _ (and the escape character itself) match literally. */
  static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  void bind(PreparedStatement ps) throws SQLException {
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
