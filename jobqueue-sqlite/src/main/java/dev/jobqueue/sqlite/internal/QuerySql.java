package dev.jobqueue.sqlite.internal;

import dev.jobqueue.JobQuery;
import dev.jobqueue.sql.internal.SelectJobs;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of a {@link JobQuery} in this store: the shared {@link SelectJobs}, with {@code
 * depends_on} reached through the job_deps index table.
 *
 * @param sql the statement
 * @param params its parameters, in order
 */
record QuerySql(String sql, List<Object> params) {
  private static final String DEPENDS_ON = "id IN (SELECT job_id FROM job_deps WHERE dep_id = ?)";

  static QuerySql of(JobQuery q) {
    List<Object> params = new ArrayList<>();
    String sql = SelectJobs.sql("jobs", DEPENDS_ON, q, params);
    return new QuerySql(sql, List.copyOf(params));
  }

  void bind(PreparedStatement ps) throws SQLException {
    SelectJobs.bind(ps, params);
  }
}
