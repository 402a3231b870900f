package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A closing instance hands its work off at once: what it reserved is released and what it still
 * runs at its shutdown timeout is re-queued, so another instance takes it now. The leases are far
 * longer than the waits here: nothing is taken over because a lease lapsed.
 */
class GracefulHandoffTest {
  @RegisterExtension static final PgSchema db = new PgSchema(8);

  @Test
  void aClosingInstanceReleasesAndRequeuesItsWorkForAnotherToRunAtOnce() {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    PostgresJobStore storeA = PostgresJobStore.builder(db.pool()).schema(db.schema()).build();
    PostgresJobStore storeB = PostgresJobStore.builder(db.pool()).schema(db.schema()).build();
    JobQueue a =
        JobQueue.builder()
            .store(storeA)
            .instanceId("A")
            .workers(1)
            .lease(Duration.ofMinutes(10))
            .recoveryPolicy(RecoveryPolicy.REQUEUE)
            .shutdownTimeout(Duration.ZERO)
            .handler(
                "work",
                ctx -> {
                  firstStarted.countDown();
                  never.await(); // until close interrupts it
                  return Map.of();
                })
            .build();
    JobQueue b = null;
    try {
      List<JobRequest> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        requests.add(JobRequest.builder("work", "job " + i).maxAttempts(2).build());
      }
      List<Job> jobs = a.submitAll(requests);
      await().until(() -> firstStarted.getCount() == 0);
      a.close();

      b =
          JobQueue.builder()
              .store(storeB)
              .instanceId("B")
              .workers(2)
              .lease(Duration.ofMinutes(10))
              .handler("work", ctx -> Map.of("by", "B"))
              .build();
      JobQueue queueB = b;
      await()
          .until(
              () ->
                  queueB.list(JobQuery.builder().status(JobStatus.COMPLETED).build()).size()
                      == jobs.size());
      for (Job j : jobs) {
        assertThat(b.get(j.id()).result()).containsEntry("by", "B");
      }
      assertThat(b.list(JobQuery.builder().build()))
          .filteredOn(j -> j.attempt() == 2)
          .as("the job A was running is re-queued as attempt 2")
          .hasSize(1);
    } finally {
      never.countDown();
      a.close();
      if (b != null) {
        b.close();
      }
      storeA.close();
      storeB.close();
    }
  }
}
