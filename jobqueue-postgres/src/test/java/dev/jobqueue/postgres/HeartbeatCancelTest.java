package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.BlockingHandler;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The heartbeat is the fallback for a lost notification: with B's change feed cut off (its
 * connection terminated, no notifications, a poll interval longer than the test), a cancel asked
 * through A still interrupts B's handler, because B's next heartbeat answers it.
 */
class HeartbeatCancelTest {
  private static final String B_APP = "jq_heartbeat_b";
  @RegisterExtension static final PgSchema db = new PgSchema(6);

  /** B's connections, named so that the test can find and cut off its feed's. */
  private static HikariDataSource poolB;

  @BeforeAll
  static void poolOfB() {
    poolB = PgTestDb.pool(6, "SET application_name = '" + B_APP + "'");
  }

  @AfterAll
  static void closePoolOfB() {
    if (poolB != null) {
      poolB.close();
    }
  }

  @Test
  void aCancelThroughAInterruptsBsHandlerViaTheHeartbeatWhenBsFeedIsDown() throws Exception {
    AtomicBoolean feedToldBFirst = new AtomicBoolean();
    AtomicBoolean feedSawCancel = new AtomicBoolean();
    BlockingHandler blocking = new BlockingHandler(() -> feedToldBFirst.set(feedSawCancel.get()));
    try (PostgresJobStore storeA = PostgresJobStore.builder(db.pool()).schema(db.schema()).build();
        PostgresJobStore storeB =
            PostgresJobStore.builder(poolB)
                .schema(db.schema())
                .notifications(false)
                .pollInterval(Duration.ofSeconds(60))
                .build();
        JobQueue a = JobQueue.builder().store(storeA).instanceId("A").build();
        JobQueue b =
            JobQueue.builder()
                .store(storeB)
                .instanceId("B")
                .lease(Duration.ofMillis(600)) // a beat every 200 ms
                .handler("block", blocking)
                .build()) {
      // watches B's feed: it must not be what carries the cancel
      storeB.subscribe(
          change -> {
            if (change.job().cancelRequested()) {
              feedSawCancel.set(true);
            }
          });
      Job job = b.submit(JobRequest.builder("block", "blocking on B").build());
      assertThat(blocking.awaitStarted()).isTrue();
      await().until(() -> a.get(job.id()).status() == JobStatus.RUNNING);
      assertThat(terminateFeedOfB()).as("B's feed connection terminated").isEqualTo(1);

      a.cancel(job.id());

      await().until(() -> b.get(job.id()).status() == JobStatus.CANCELLED);
      assertThat(blocking.interrupted()).as("B's handler was interrupted").isTrue();
      assertThat(feedToldBFirst).as("the feed did not carry the cancel").isFalse();
    }
  }

  /**
   * Terminates B's feed connection: B's backend whose last statement read the events table or the
   * snapshot horizon (only the feed does either). Matched on the statement's start:
   * pg_stat_activity keeps only its first 1024 bytes (by default), and this schema's name comes
   * later in it. B's pool serves this test class alone.
   */
  private static int terminateFeedOfB() throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE"
                    + " application_name = '"
                    + B_APP
                    + "' AND (query LIKE 'SELECT xid::text, event_seq, %'"
                    + " OR query LIKE 'SELECT pg_snapshot_%')")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
