package dev.jobqueue.benchmarks.peers;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * db-scheduler on PostgreSQL: 2 threads, the lock-and-fetch polling strategy with the limits its
 * README gives "for normal usage" (0.5, 1.0), immediate execution enabled, everything else default.
 * Each job is a one-time task instance due now; it is completed once its row is deleted, after
 * which the scheduler calls {@code onExecutionComplete}.
 */
final class DbSchedulerPeer implements Peer {
  /** The table of db-scheduler's README for PostgreSQL. */
  private static final String TABLE =
      """
      CREATE TABLE scheduled_tasks (
        task_name TEXT NOT NULL,
        task_instance TEXT NOT NULL,
        task_data BYTEA,
        execution_time TIMESTAMP WITH TIME ZONE NOT NULL,
        picked BOOLEAN NOT NULL,
        picked_by TEXT,
        last_success TIMESTAMP WITH TIME ZONE,
        last_failure TIMESTAMP WITH TIME ZONE,
        consecutive_failures INT,
        last_heartbeat TIMESTAMP WITH TIME ZONE,
        version BIGINT NOT NULL,
        priority SMALLINT,
        PRIMARY KEY (task_name, task_instance)
      );
      CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
      CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
      CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time);
      """;

  private final PostgresSchema schema;
  private final OneTimeTask<Void> task;
  private final Scheduler scheduler;
  private final AtomicLong instances = new AtomicLong();
  private final LongAdder completed = new LongAdder();
  private final int batch;

  /**
   * {@code batch}: 1 submits with {@code schedule}, more submits lists with {@code scheduleBatch}.
   */
  DbSchedulerPeer(int batch) throws Exception {
    this.batch = batch;
    schema = PostgresSchema.create();
    schema.execute(TABLE);
    task = Tasks.oneTime("noop").execute((instance, context) -> NoOpJob.run());
    scheduler =
        Scheduler.create(schema.dataSource(), task)
            .threads(2)
            .pollUsingLockAndFetch(0.5, 1.0)
            .enableImmediateExecution()
            .addSchedulerListener(
                new AbstractSchedulerListener() {
                  @Override
                  public void onExecutionComplete(ExecutionComplete complete) {
                    if (complete.getResult() == ExecutionComplete.Result.OK) {
                      completed.increment();
                    }
                  }
                })
            .build();
    scheduler.start();
  }

  @Override
  public void submit(int n) {
    if (batch == 1) {
      for (int i = 0; i < n; i++) {
        scheduler.schedule(
            task.instance(Long.toString(instances.incrementAndGet())), Instant.now());
      }
      return;
    }
    for (int left = n; left > 0; left -= batch) {
      List<TaskInstance<?>> list = new ArrayList<>(Math.min(left, batch));
      for (int i = 0; i < Math.min(left, batch); i++) {
        list.add(task.instance(Long.toString(instances.incrementAndGet())));
      }
      scheduler.scheduleBatch(list, Instant.now());
    }
  }

  @Override
  public long completed() {
    return completed.sum();
  }

  @Override
  public void settle() throws Exception {
    schema.vacuum();
  }

  @Override
  public void close() {
    scheduler.stop();
    schema.close();
  }
}
