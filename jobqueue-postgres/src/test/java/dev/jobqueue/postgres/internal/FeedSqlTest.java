package dev.jobqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.postgres.PgSchema;
import dev.jobqueue.postgres.PostgresJobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change feed's statements: reading in cursor order, pruning. */
class FeedSqlTest {
  @RegisterExtension static final PgSchema db = new PgSchema(2);

  /** A queued job through a store with {@code prefix}: its table and one event row. */
  private static void insertJob(String prefix) {
    try (PostgresJobStore store =
        PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build()) {
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      store.insert(
          new Job.Builder()
              .id("j1")
              .type("t")
              .status(JobStatus.QUEUED)
              .createdAt(t)
              .updatedAt(t)
              .title("j1")
              .build());
    }
  }

  @Test
  void transactionIdsAreOrderedAsNumbersAcrossADigitBoundary() throws Exception {
    Sql sql = new Sql(db.schema() + ".jobqueue_");
    insertJob("jobqueue_");
    List<String> xids = new ArrayList<>();
    try (Connection c = db.pool().getConnection()) {
      try (Statement st = c.createStatement()) {
        for (String xid : List.of("10", "9", "100")) {
          // copies of the job's event, as if written by transactions 9, 10 and 100
          st.execute(
              "INSERT INTO "
                  + sql.events
                  + " (xid, origin, kind, status_changed, "
                  + PgCodec.COLUMNS
                  + ") SELECT '"
                  + xid
                  + "'::xid8, origin, kind, status_changed, "
                  + PgCodec.COLUMNS
                  + " FROM "
                  + sql.events
                  + " WHERE xid > '100'::xid8");
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.readEvents)) {
        ps.setString(1, "0");
        ps.setLong(2, 0);
        ps.setInt(3, 10);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            xids.add(rs.getString(1));
          }
        }
      }
    }
    assertThat(xids).hasSize(4);
    assertThat(xids.subList(0, 3)).containsExactly("9", "10", "100");
    assertThat(Long.parseLong(xids.get(3))).isGreaterThan(100);
  }

  @Test
  void pruningDeletesEventsPastTheRetentionInBatchesAndKeepsYoungOnesOfOldTransactions()
      throws Exception {
    Sql sql = new Sql(db.schema() + ".prune_");
    insertJob("prune_");
    int old = 2 * Sql.PRUNE_BATCH + 7;
    try (Connection c = db.pool().getConnection()) {
      try (Statement st = c.createStatement()) {
        String copy =
            " origin, kind, status_changed, "
                + PgCodec.COLUMNS
                + " FROM "
                + sql.events
                + " WHERE xid <> '3'::xid8";
        String into =
            "INSERT INTO "
                + sql.events
                + " (xid, recorded_at, origin, kind, status_changed, "
                + PgCodec.COLUMNS
                + ")";
        // a young event of the oldest transaction comes first in cursor order
        st.execute(into + " SELECT '3'::xid8, now()," + copy);
        st.execute(
            into
                + " SELECT (10 + g)::text::xid8, now() - interval '2 hours',"
                + copy.replace(
                    " FROM " + sql.events,
                    " FROM generate_series(1, " + old + ") g, " + sql.events));
      }
      assertThat(Feed.prune(c, sql, 3_600_000)).isEqualTo(old);
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT count(*), count(*) FILTER (WHERE xid = '3'::xid8) FROM " + sql.events)) {
        rs.next();
        assertThat(rs.getLong(1)).as("the young copy and the job's own event").isEqualTo(2);
        assertThat(rs.getLong(2)).isEqualTo(1);
      }
      assertThat(Feed.prune(c, sql, 3_600_000)).isZero();
    }
  }
}
