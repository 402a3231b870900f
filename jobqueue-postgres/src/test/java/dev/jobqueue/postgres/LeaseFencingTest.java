package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.ForwardingStore;
import dev.jobqueue.spi.LeaseRenewal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker whose lease lapsed can never write over the job another instance rescued. */
class LeaseFencingTest {
  @RegisterExtension static final PgSchema db = new PgSchema(8);

  private static PostgresJobStore store(String prefix) {
    return PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build();
  }

  @Test
  void aLateCompletionIsRefusedAfterAnotherInstanceRescuedTheJob() {
    try (PostgresJobStore a = store("store_");
        PostgresJobStore b = store("store_")) {
      Job queued =
          new Job.Builder()
              .id("fenced-1")
              .type("t")
              .status(JobStatus.QUEUED)
              .createdAt(Instant.now())
              .updatedAt(Instant.now())
              .title("fenced")
              .maxAttempts(3)
              .build();
      a.insert(queued);
      Instant now = Instant.now();
      Job running = start(a, new ClaimRequest(Set.of("t"), now, "A", now.plusMillis(200)));

      // A stops renewing; B sees the lease lapse on the database clock and re-queues the job
      await().until(() -> !b.expiredLeases(Instant.now(), 10).isEmpty());
      Job rescued =
          running.toBuilder()
              .status(JobStatus.QUEUED)
              .version(running.version() + 1)
              .attempt(2)
              .owner(null)
              .leaseExpiresAt(null)
              .error(Job.INTERRUPTED_ERROR)
              .build();
      assertThat(b.update(rescued, running.version())).isTrue();
      Instant later = Instant.now();
      Job rerun = start(b, new ClaimRequest(Set.of("t"), later, "B", later.plusSeconds(30)));
      assertThat(rerun.owner()).isEqualTo("B");

      Job lateCompletion =
          running.toBuilder()
              .status(JobStatus.COMPLETED)
              .version(running.version() + 1)
              .completedAt(Instant.now())
              .result(Map.of("by", "A"))
              .build();
      assertThat(a.update(lateCompletion, running.version())).as("late completion").isFalse();
      assertThat(
              a.updateProgress(
                  running.toBuilder().progress(0.9).version(running.version() + 1).build(),
                  running.version()))
          .as("late progress")
          .isFalse();
      LeaseRenewal renewal = a.renewLeases("A", List.of("fenced-1"), Instant.now().plusSeconds(30));
      assertThat(renewal.renewed()).as("nothing left to renew").isZero();
      assertThat(renewal.lost())
          .as("A's heartbeat learns it lost the job")
          .containsExactly("fenced-1");
      assertThat(a.get("fenced-1").orElseThrow()).isEqualTo(rerun);
      assertThat(b.get("fenced-1").orElseThrow()).isEqualTo(rerun);
    }
  }

  @Test
  void aQueuePausedPastItsLeaseCannotOverwriteTheJobAnotherQueueRescuedAndRan() {
    CountDownLatch firstAttemptStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstAttempt = new CountDownLatch(1);
    PostgresJobStore storeA = store("queues_");
    PostgresJobStore storeB = store("queues_");
    // A's heartbeat renews nothing: as if its JVM was paused past the lease
    ForwardingStore silentA =
        new ForwardingStore(storeA) {
          @Override
          public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
            return LeaseRenewal.NONE;
          }

          @Override
          public List<Job> expiredLeases(Instant now, int limit) {
            return List.of(); // a paused instance rescues nothing either
          }
        };
    JobQueue a =
        JobQueue.builder()
            .store(silentA)
            .instanceId("A")
            .workers(1)
            .lease(Duration.ofMillis(600))
            .recoveryPolicy(RecoveryPolicy.REQUEUE)
            .handler(
                "slow",
                ctx -> {
                  firstAttemptStarted.countDown();
                  awaitUninterruptibly(releaseFirstAttempt);
                  return Map.of("by", "A", "attempt", ctx.attempt());
                })
            .build();
    JobQueue b = null;
    try {
      Job job = a.submit(JobRequest.builder("slow", "paused").maxAttempts(3).build());
      awaitUninterruptibly(firstAttemptStarted);
      b =
          JobQueue.builder()
              .store(storeB)
              .instanceId("B")
              .workers(1)
              .lease(Duration.ofMillis(600))
              .pollInterval(Duration.ofMillis(20))
              .recoveryPolicy(RecoveryPolicy.REQUEUE)
              .handler("slow", ctx -> Map.of("by", "B", "attempt", ctx.attempt()))
              .build();
      JobQueue queueB = b;
      await().until(() -> queueB.get(job.id()).status() == JobStatus.COMPLETED);
      Job rescuedAndRun = storeB.get(job.id()).orElseThrow();
      assertThat(rescuedAndRun.result()).containsEntry("by", "B").containsEntry("attempt", 2);

      releaseFirstAttempt.countDown();
      a.close(); // waits for A's worker: its completion is attempted, and refused, before this
      // returns
      assertThat(storeB.get(job.id()).orElseThrow()).isEqualTo(rescuedAndRun);
    } finally {
      releaseFirstAttempt.countDown();
      a.close();
      if (b != null) {
        b.close();
      }
      storeA.close();
      storeB.close();
    }
  }

  /** What a worker does: reserves one job and starts it. */
  private static Job start(PostgresJobStore store, ClaimRequest req) {
    Job queued = store.reserve(req).get(0);
    Job running =
        queued.toBuilder()
            .status(JobStatus.RUNNING)
            .version(queued.version() + 1)
            .startedAt(req.now())
            .updatedAt(req.now())
            .owner(req.owner())
            .leaseExpiresAt(req.leaseUntil())
            .build();
    assertThat(store.update(running, queued.version())).isTrue();
    return running;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
