package dev.jobqueue.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.JobStoreContract;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract suite, unchanged, on PostgreSQL: each test gets emptied tables (emptying is
 * much cheaper than making new ones).
 */
class PostgresJobStoreTest extends JobStoreContract {
  private static HikariDataSource pool;
  private static String schema;

  @BeforeAll
  static void server() {
    PgTestDb.require();
    schema = PgTestDb.freshSchema(PostgresJobStoreTest.class);
    pool = PgTestDb.pool(10);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  protected JobStore newStore() {
    JobStore store = PostgresJobStore.builder(pool).schema(schema).build();
    PgTestDb.execute(
        "TRUNCATE "
            + String.join(
                ", ",
                List.of("jobs", "events", "job_logs", "paused_types", "schedules").stream()
                    .map(t -> schema + ".jobqueue_" + t)
                    .toList())
            + " RESTART IDENTITY");
    return store;
  }

  @Override
  protected JobStore reopen(JobStore closing) {
    closing.close();
    return PostgresJobStore.builder(pool).schema(schema).build();
  }
}
