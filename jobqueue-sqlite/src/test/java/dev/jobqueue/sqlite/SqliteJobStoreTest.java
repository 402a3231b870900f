package dev.jobqueue.sqlite;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.JobStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract suite, unchanged, on a SQLite file. */
class SqliteJobStoreTest extends JobStoreContract {
  @TempDir Path dir;

  @Override
  protected JobStore newStore() {
    return SqliteJobStore.open(dir.resolve("jobs.db"));
  }

  @Override
  protected JobStore reopen(JobStore closing) {
    closing.close();
    return SqliteJobStore.open(dir.resolve("jobs.db"));
  }
}
