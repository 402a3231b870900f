package dev.jobqueue.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.sqlite.SqliteJobStore;
import dev.jobqueue.sqlite.TestJobs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query the API and the queue make is served by an index: EXPLAIN QUERY PLAN shows no
 * full-table SCAN (and no sort for single-filter listings), so listing stays fast with a million
 * jobs. The plans are taken without ANALYZE statistics, as a fresh file has none.
 */
class QueryPlanTest {
  @TempDir Path dir;
  private SqliteJobStore store;
  private Connection raw;

  @BeforeEach
  void open() throws SQLException {
    store = SqliteJobStore.open(dir.resolve("jobs.db"));
    for (int i = 0; i < 50; i++) {
      store.insert(TestJobs.job(i % 2 == 0 ? "a" : "b").userId("u" + (i % 5)).build());
    }
    raw = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("jobs.db"));
  }

  @AfterEach
  void close() throws SQLException {
    raw.close();
    store.close();
  }

  private List<String> plan(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = raw.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString("detail"));
        }
      }
      return out;
    }
  }

  private List<String> plan(JobQuery q) throws SQLException {
    QuerySql s = QuerySql.of(q);
    return plan(s.sql(), s.params().toArray());
  }

  /** No step reads a whole table of ours; jobs are always reached through an index. */
  private static void assertNoTableScan(List<String> plan) {
    assertThat(plan)
        .as(String.join(" | ", plan))
        .noneMatch(d -> d.matches("SCAN (jobs|j|x|job_deps|d)( .*)?") && !d.contains("USING"));
  }

  private static void assertIndexed(List<String> plan, String index) {
    assertNoTableScan(plan);
    assertThat(plan.stream().collect(Collectors.joining(" | "))).contains("INDEX " + index);
  }

  private static void assertNoSort(List<String> plan) {
    assertThat(plan).as(String.join(" | ", plan)).noneMatch(d -> d.contains("TEMP B-TREE"));
  }

  @Test
  void listingsByOneFilterUseTheirIndexAndNeedNoSort() throws SQLException {
    List<String> byStatus = plan(JobQuery.builder().status(JobStatus.RUNNING).build());
    assertIndexed(byStatus, "jobs_status");
    assertNoSort(byStatus);

    List<String> byType = plan(JobQuery.builder().type("a").build());
    assertIndexed(byType, "jobs_type");
    assertNoSort(byType);

    List<String> byParent = plan(JobQuery.builder().parentJobId("p").build());
    assertIndexed(byParent, "jobs_parent");
    assertNoSort(byParent);

    List<String> byUser = plan(JobQuery.builder().userId("u1").build());
    assertIndexed(byUser, "jobs_user");
    assertNoSort(byUser);

    List<String> newest = plan(JobQuery.builder().build());
    assertIndexed(newest, "jobs_created");
    assertNoSort(newest);
  }

  @Test
  void combinedListingsStillSearchAnIndex() throws SQLException {
    assertNoTableScan(plan(JobQuery.builder().status(JobStatus.RUNNING, JobStatus.QUEUED).build()));
    assertNoTableScan(
        plan(JobQuery.builder().status(JobStatus.QUEUED, JobStatus.RUNNING).userId("u1").build()));
    assertNoTableScan(plan(JobQuery.builder().status(JobStatus.COMPLETED).type("a").build()));
    assertNoTableScan(plan(JobQuery.builder().userId("u1").text("50%").build()));
    assertIndexed(plan(JobQuery.builder().dependsOn("job-1").build()), "job_deps_dep");
  }

  @Test
  void storeInternalQueriesUseIndexes() throws SQLException {
    assertIndexed(plan(SqliteEngine.GET, "job-1"), "sqlite_autoindex_jobs_1");
    assertIndexed(plan(Tx.HEAD_BY_ID, "job-1"), "sqlite_autoindex_jobs_1");

    List<String> reserve = plan(WriteOp.Reserve.SQL, "[\"a\"]", 0L, 5);
    assertIndexed(reserve, "jobs_claim");
    assertNoSort(reserve);
    assertThat(String.join(" | ", plan(WriteOp.Purge.DELETE, "[1,2]")))
        .contains("INTEGER PRIMARY KEY");
    assertIndexed(plan(InsertOps.InsertAll.UNDO, "[\"job-1\"]"), "sqlite_autoindex_jobs_1");

    List<String> expired = plan(SqliteEngine.EXPIRED, 0L, 10);
    assertIndexed(expired, "jobs_status");
    assertNoTableScan(
        plan(
            "UPDATE jobs SET lease_expires_at = ? WHERE status = 'running' AND owner = ?",
            0L,
            "me"));

    assertIndexed(plan(WriteOp.Purge.OLDER, 0L), "jobs_finished");
    List<String> beyond = plan(WriteOp.Purge.BEYOND, 100);
    assertIndexed(beyond, "jobs_finished");
    assertNoSort(beyond);

    assertIndexed(plan(SqliteEngine.COUNTS_OF_USER, "u1"), "jobs_user");
  }
}
