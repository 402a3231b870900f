package dev.jobqueue.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.RecoveryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The instance {@link KillNineTest} kills: submits {@link #JOBS} jobs, runs two of them forever
 * (its handlers block), prints {@code RUNNING <id>} for each and {@code READY} once both run.
 */
public final class VictimInstance {
  static final int JOBS = 12;

  private VictimInstance() {}

  public static void main(String[] args) throws Exception {
    String schema = args[0];
    HikariDataSource pool = PgTestDb.pool(6);
    PostgresJobStore store = PostgresJobStore.builder(pool).schema(schema).build();
    CountDownLatch running = new CountDownLatch(2);
    JobQueue queue =
        JobQueue.builder()
            .store(store)
            .instanceId("victim")
            .workers(2)
            .lease(Duration.ofSeconds(1))
            .recoveryPolicy(RecoveryPolicy.REQUEUE)
            .handler(
                "work",
                ctx -> {
                  System.out.println("RUNNING " + ctx.jobId());
                  running.countDown();
                  new CountDownLatch(1).await();
                  return Map.of();
                })
            .build();
    List<JobRequest> requests = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      requests.add(JobRequest.builder("work", "job " + i).maxAttempts(2).build());
    }
    queue.submitAll(requests);
    running.await();
    System.out.println("READY");
    new CountDownLatch(1).await(); // until killed
  }
}
