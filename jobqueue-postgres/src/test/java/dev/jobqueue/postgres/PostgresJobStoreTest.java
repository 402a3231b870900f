package dev.jobqueue.postgres;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.JobStoreContract;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage contract suite, unchanged, on PostgreSQL: each test gets emptied tables (emptying is
 * much cheaper than making new ones).
 */
class PostgresJobStoreTest extends JobStoreContract {
  @RegisterExtension static final PgSchema db = new PgSchema(10);

  @Override
  protected JobStore newStore() {
    JobStore store = PostgresJobStore.builder(db.pool()).schema(db.schema()).build();
    PgTestDb.execute(
        "TRUNCATE "
            + String.join(
                ", ",
                List.of("jobs", "events", "job_logs", "paused_types", "schedules").stream()
                    .map(t -> db.schema() + ".jobqueue_" + t)
                    .toList())
            + " RESTART IDENTITY");
    return store;
  }

  @Override
  protected JobStore reopen(JobStore closing) {
    closing.close();
    return PostgresJobStore.builder(db.pool()).schema(db.schema()).build();
  }
}
