package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three queues, each with a store of its own (as three application instances would have), share one
 * database. Every handler run leaves a row in a side-effect table with {@code UNIQUE(job_id,
 * attempt)}, so an attempt run twice would fail its job.
 */
class ThreeInstancesTest {
  private static final int JOBS = 10_000;
  @RegisterExtension static final PgSchema db = new PgSchema(8);

  /** For the handlers' side effects, committed without waiting for the disk: not under test. */
  private static HikariDataSource sidePool;

  @BeforeAll
  static void sideEffectTable() {
    PgTestDb.execute(
        "CREATE TABLE "
            + db.schema()
            + ".side_effect (job_id text NOT NULL, attempt int NOT NULL, instance text NOT NULL,"
            + " UNIQUE (job_id, attempt))");
    sidePool = PgTestDb.pool(6, "SET synchronous_commit TO off");
  }

  @AfterAll
  static void closeSidePool() {
    if (sidePool != null) {
      sidePool.close();
    }
  }

  @Test
  void everyJobRunsOnceAndEndsOnceAcrossThreeInstances() throws Exception {
    List<PostgresJobStore> stores = new ArrayList<>();
    List<JobQueue> queues = new ArrayList<>();
    // per instance: how often its listeners saw each job end (its own jobs and, through the change
    // feed, the other instances' ones)
    List<Map<String, AtomicInteger>> endings = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
      endings.add(seen);
      String instance = "instance-" + i;
      PostgresJobStore store = PostgresJobStore.builder(db.pool()).schema(db.schema()).build();
      stores.add(store);
      JobQueue q =
          JobQueue.builder()
              .store(store)
              .instanceId(instance)
              .workers(2)
              .pollInterval(Duration.ofMillis(20))
              .handler(
                  "work",
                  ctx -> {
                    sideEffect(ctx.jobId(), ctx.attempt(), instance);
                    return Map.of("by", instance);
                  })
              .build();
      q.subscribe(
          e -> {
            if (e.statusChanged() && e.job().isTerminal()) {
              seen.computeIfAbsent(e.jobId(), k -> new AtomicInteger()).incrementAndGet();
            }
          });
      queues.add(q);
    }
    try {
      List<JobRequest> batch = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        batch.add(JobRequest.builder("work", "job " + i).build());
        if (batch.size() == 100) {
          queues.get(i / 100 % 3).submitAll(batch);
          batch = new ArrayList<>();
        }
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> endings.stream().allMatch(seen -> seen.size() == JOBS));
      List<Job> all = queues.get(0).list(JobQuery.builder().limit(JobQuery.MAX_LIMIT).build());
      assertThat(all).hasSize(JOBS);
      assertThat(all).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.COMPLETED));
      assertThat(all).allSatisfy(j -> assertThat(j.attempt()).isEqualTo(1));
      for (Map<String, AtomicInteger> seen : endings) {
        assertThat(seen.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
      }
      assertThat(sideEffects()).isEqualTo(JOBS);
      assertThat(all.stream().map(j -> j.result().get("by")).distinct().count())
          .as("every instance ran jobs")
          .isEqualTo(3);
    } finally {
      queues.forEach(JobQueue::close);
      stores.forEach(PostgresJobStore::close);
    }
  }

  private static void sideEffect(String jobId, int attempt, String instance) throws SQLException {
    try (Connection c = sidePool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO "
                    + db.schema()
                    + ".side_effect (job_id, attempt, instance) VALUES (?, ?, ?)")) {
      ps.setString(1, jobId);
      ps.setInt(2, attempt);
      ps.setString(3, instance);
      ps.executeUpdate();
    }
  }

  private static int sideEffects() throws SQLException {
    try (Connection c = db.pool().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + db.schema() + ".side_effect")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
