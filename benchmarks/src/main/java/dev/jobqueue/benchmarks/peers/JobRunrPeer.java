package dev.jobqueue.benchmarks.peers;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

import java.nio.file.Path;
import java.sql.SQLException;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.configuration.JobRunrConfiguration.JobRunrConfigurationResult;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.storage.InMemoryStorageProvider;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.storage.sql.sqlite.SqLiteStorageProvider;
import org.sqlite.SQLiteDataSource;

/**
 * JobRunr with its defaults except the worker count: a background job server with 2 workers and the
 * default poll interval, jobs enqueued one by one as {@code enqueue(() -> NoOpJob.run())}.
 * Completion is counted as JobRunr's storage counts SUCCEEDED jobs.
 */
final class JobRunrPeer implements Peer {
  private final StorageProvider storage;
  private final PostgresSchema schema;
  private final JobRunrConfigurationResult jobRunr;
  private final JobScheduler scheduler;

  private JobRunrPeer(StorageProvider storage, PostgresSchema schema) {
    this.storage = storage;
    this.schema = schema;
    this.jobRunr =
        JobRunr.configure()
            .useStorageProvider(storage)
            .useBackgroundJobServer(
                usingStandardBackgroundJobServerConfiguration().andWorkerCount(2))
            .initialize();
    this.scheduler = jobRunr.getJobScheduler();
  }

  static JobRunrPeer inMemory() {
    return new JobRunrPeer(new InMemoryStorageProvider(), null);
  }

  static JobRunrPeer sqlite(Path file) {
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + file);
    return new JobRunrPeer(new SqLiteStorageProvider(dataSource), null);
  }

  static JobRunrPeer postgres() throws SQLException {
    PostgresSchema schema = PostgresSchema.create();
    return new JobRunrPeer(new PostgresStorageProvider(schema.dataSource()), schema);
  }

  @Override
  public void submit(int n) {
    for (int i = 0; i < n; i++) {
      scheduler.enqueue(() -> NoOpJob.run());
    }
  }

  @Override
  public long completed() {
    return storage.countJobs(StateName.SUCCEEDED);
  }

  @Override
  public void settle() throws Exception {
    if (schema != null) {
      schema.vacuum();
    }
  }

  @Override
  public void close() {
    jobRunr.getBackgroundJobServer().stop();
    storage.close();
    JobRunr.destroy();
    if (schema != null) {
      schema.close();
    }
  }
}
