package dev.jobqueue.benchmarks.peers;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobQueueBuilder;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.postgres.PostgresJobStore;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * jobqueue with its defaults: {@code JobQueue.builder().workers(2).handler(...)}, in memory, on
 * {@code SqliteJobStore.open(file)} or on {@code PostgresJobStore.builder(pool).build()}.
 * Completion is counted from the completed events a listener receives, which the queue publishes
 * only once the completion is stored (durably, for SQLite).
 */
final class JobQueuePeer implements Peer {
  private static final JobRequest REQUEST = JobRequest.builder("noop", "no-op").build();

  private final JobStore store;
  private final PostgresSchema schema;
  private final JobQueue queue;
  private final int batch;
  private final List<JobRequest> fullBatch;
  private final LongAdder completed = new LongAdder();

  /**
   * @param sqliteFile the database file, or null for the in-memory store
   * @param batch 1: one {@code submit} per job; more: {@code submitAll} of that many
   */
  JobQueuePeer(Path sqliteFile, int batch) {
    this(sqliteFile == null ? null : SqliteJobStore.open(sqliteFile), null, batch);
  }

  /** On PostgreSQL, in a fresh schema that {@link #close()} drops. */
  static JobQueuePeer postgres(int batch) throws SQLException {
    PostgresSchema schema = PostgresSchema.create();
    try {
      return new JobQueuePeer(
          PostgresJobStore.builder(schema.dataSource()).schema(schema.name()).build(),
          schema,
          batch);
    } catch (RuntimeException e) {
      schema.close();
      throw e;
    }
  }

  private JobQueuePeer(JobStore store, PostgresSchema schema, int batch) {
    this.store = store;
    this.schema = schema;
    this.batch = batch;
    this.fullBatch = Collections.nCopies(batch, REQUEST);
    JobQueueBuilder builder =
        JobQueue.builder()
            .workers(2)
            .handler(
                "noop",
                ctx -> {
                  NoOpJob.run();
                  return null;
                });
    if (store != null) {
      builder.store(store);
    }
    this.queue = builder.build();
    queue.subscribe(this::count);
  }

  private void count(JobEvent e) {
    if (e.kind() == JobEvent.Kind.UPDATED
        && e.statusChanged()
        && e.job().status() == JobStatus.COMPLETED) {
      completed.increment();
    }
  }

  @Override
  public void submit(int n) {
    if (batch == 1) {
      for (int i = 0; i < n; i++) {
        queue.submit(REQUEST);
      }
      return;
    }
    for (int left = n; left > 0; left -= batch) {
      queue.submitAll(left >= batch ? fullBatch : fullBatch.subList(0, left));
    }
  }

  @Override
  public long completed() {
    return completed.sum();
  }

  @Override
  public void settle() throws Exception {
    if (schema != null) {
      schema.vacuum();
    }
  }

  @Override
  public void close() {
    queue.close();
    if (store != null) {
      store.close();
    }
    if (schema != null) {
      schema.close();
    }
  }
}
