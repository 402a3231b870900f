package dev.jobqueue.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.postgres.PgTestDb;
import dev.jobqueue.postgres.PostgresJobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The change feed reads events in transaction-id order: numerically, not as text. */
class FeedOrderTest {
  private static HikariDataSource pool;
  private static String schema;

  @BeforeAll
  static void server() {
    PgTestDb.require();
    schema = PgTestDb.freshSchema(FeedOrderTest.class);
    pool = PgTestDb.pool(2);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void transactionIdsAreOrderedAsNumbersAcrossADigitBoundary() throws Exception {
    Sql sql = new Sql(schema + ".jobqueue_");
    try (PostgresJobStore store = PostgresJobStore.builder(pool).schema(schema).build()) {
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
    List<String> xids = new ArrayList<>();
    try (Connection c = pool.getConnection()) {
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
}
