package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.memory.InMemoryJobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CloseAndRecoveryTest {

  @Test
  void closeWaitsForRunningJobsAndLeavesNoThreads() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    NewThreads queueThreads = NewThreads.since("jobqueue-");
    JobQueue q =
        JobQueue.builder()
            .workers(2)
            .shutdownTimeout(Duration.ofSeconds(30))
            .handler(
                "t",
                ctx -> {
                  started.countDown();
                  finish.await();
                  return Map.of("ok", true);
                })
            .build();
    q.subscribe(e -> {});
    assertThat(queueThreads.names())
        .contains("jobqueue-worker-1", "jobqueue-worker-2", "jobqueue-scheduler-1");
    Job j = q.submit(JobRequest.builder("t", "t").build());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(q::close);
    closer.start();
    await()
        .until(
            () ->
                closer.getState() == Thread.State.WAITING
                    || closer.getState() == Thread.State.TIMED_WAITING);
    finish.countDown();
    closer.join(30_000);
    assertThat(q.get(j.id()).status()).isEqualTo(JobStatus.COMPLETED);
    await().until(() -> queueThreads.names().isEmpty());
    q.close(); // idempotent
    assertThatThrownBy(() -> q.submit(JobRequest.builder("t", "late").build()))
        .isInstanceOf(JobQueueClosedException.class)
        .hasMessageContaining("closed");
  }

  /** A handler that only an interrupt ends, or (ignoring interrupts) only {@code release}. */
  private static JobQueue stuckQueue(
      RecoveryPolicy policy, CountDownLatch started, CountDownLatch release) {
    return JobQueue.builder()
        .workers(1)
        .shutdownTimeout(Duration.ofMillis(100))
        .recoveryPolicy(policy)
        .defaultMaxAttempts(2)
        .handler(
            "stuck",
            ctx -> {
              started.countDown();
              if (release == null) {
                new CountDownLatch(1).await(); // only an interrupt ends this
              } else {
                while (true) {
                  try {
                    release.await();
                    return null;
                  } catch (InterruptedException ignored) {
                    // a handler that ignores interrupts
                  }
                }
              }
              return null;
            })
        .build();
  }

  @Test
  void closeFailsJobsStillRunningAfterTheTimeoutAsInterruptedByDefault() throws Exception {
    NewThreads queueThreads = NewThreads.since("jobqueue-");
    CountDownLatch started = new CountDownLatch(1);
    JobQueue q = stuckQueue(RecoveryPolicy.FAIL, started, null);
    Job j = q.submit(JobRequest.builder("stuck", "stuck").build());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    q.close();
    Job after = q.get(j.id());
    assertThat(after.status()).isEqualTo(JobStatus.FAILED);
    assertThat(after.error()).isEqualTo(Job.INTERRUPTED_ERROR);
    await().until(() -> queueThreads.names().isEmpty());
  }

  @Test
  void closeRequeuesJobsStillRunningAfterTheTimeoutWithPolicyRequeue() throws Exception {
    NewThreads queueThreads = NewThreads.since("jobqueue-");
    CountDownLatch started = new CountDownLatch(1);
    JobQueue q = stuckQueue(RecoveryPolicy.REQUEUE, started, null);
    Job j = q.submit(JobRequest.builder("stuck", "stuck").build());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    q.close();
    Job after = q.get(j.id());
    assertThat(after.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(after.attempt()).isEqualTo(2);
    assertThat(after.owner()).isNull();
    await().until(() -> queueThreads.names().isEmpty());
  }

  @Test
  void closeEndsAJobWhoseHandlerIgnoresTheInterrupt() throws Exception {
    NewThreads queueThreads = NewThreads.since("jobqueue-");
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JobQueue q = stuckQueue(RecoveryPolicy.REQUEUE, started, release);
    try {
      Job j = q.submit(JobRequest.builder("stuck", "stuck").build());
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      q.close(); // returns although the handler goes on
      Job after = q.get(j.id());
      assertThat(after.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(after.attempt()).isEqualTo(2);
      assertThat(after.version()).isEqualTo(j.version() + 2); // started, re-queued: nothing else
    } finally {
      release.countDown();
    }
    await().until(() -> queueThreads.names().isEmpty());
  }

  @Test
  void aJobClaimedWhileTheQueueStopsEndsAsInterruptedNotCompleted() throws Exception {
    // The worker's claim returns only once close() waits out its grace period, so the attempt
    // registers after close() interrupted everything it knew of; its handler never returns.
    NewThreads queueThreads = NewThreads.since("jobqueue-");
    EventOrderTest.ClaimWaitsForWriteStore store = new EventOrderTest.ClaimWaitsForWriteStore();
    CountDownLatch hold = new CountDownLatch(1);
    store.holdClaimResult = hold;
    CountDownLatch release = new CountDownLatch(1);
    JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .shutdownTimeout(Duration.ZERO)
            .handler(
                "late",
                ctx -> {
                  while (true) {
                    try {
                      release.await();
                      return null;
                    } catch (InterruptedException ignored) {
                      // only release ends this
                    }
                  }
                })
            .build();
    try {
      Job j = q.submit(JobRequest.builder("late", "claimed while stopping").build());
      assertThat(store.claimed.await(30, TimeUnit.SECONDS)).isTrue();
      Thread closer = new Thread(q::close, "closer");
      closer.start();
      await().until(() -> closer.getState() == Thread.State.TIMED_WAITING);
      hold.countDown();
      closer.join(30_000);
      assertThat(closer.isAlive()).isFalse();
      Job after = q.get(j.id());
      assertThat(after.status()).isEqualTo(JobStatus.FAILED);
      assertThat(after.error()).isEqualTo(Job.INTERRUPTED_ERROR);
    } finally {
      release.countDown();
    }
    await().until(() -> queueThreads.names().isEmpty());
  }

  @Test
  void aUserExecutorIsNeverShutDown() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      JobQueue q =
          JobQueue.builder().workers(2).executor(pool).handler("t", ctx -> Map.of()).build();
      Job j = q.submit(JobRequest.builder("t", "t").build());
      assertThat(q.await(j.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
      q.close();
      assertThat(pool.isShutdown()).isFalse();
      assertThat(pool.submit(() -> 42).get(30, TimeUnit.SECONDS)).isEqualTo(42);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Job running(String id, int attempt, int maxAttempts, boolean tracked) {
    Instant t = Instant.now().minusSeconds(60);
    return new Job.Builder()
        .id(id)
        .type("t")
        .status(JobStatus.RUNNING)
        .createdAt(t)
        .updatedAt(t)
        .startedAt(t)
        .title(id)
        .attempt(attempt)
        .maxAttempts(maxAttempts)
        .owner("dead-queue")
        .leaseExpiresAt(t.plusSeconds(30))
        .tracked(tracked)
        .version(2)
        .build();
  }

  @Test
  void jobsRunningWhenTheProcessDiedFailByDefault() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore();
    store.insert(running("r1", 1, 3, false));
    store.insert(running("r2", 1, 1, true));
    Instant t = Instant.now();
    store.insert(
        new Job.Builder()
            .id("q1")
            .type("t")
            .status(JobStatus.QUEUED)
            .createdAt(t)
            .updatedAt(t)
            .title("q1")
            .build());
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .handler("t", ctx -> Map.of("ran", true))
            .build()) {
      for (String id : new String[] {"r1", "r2"}) {
        Job j = q.get(id);
        assertThat(j.status()).isEqualTo(JobStatus.FAILED);
        assertThat(j.error()).isEqualTo(Job.INTERRUPTED_ERROR);
        assertThat(j.completedAt()).isNotNull();
      }
      assertThat(q.await("q1", Duration.ofSeconds(30)).result()).containsEntry("ran", true);
    }
  }

  @Test
  void requeuePolicyRunsInterruptedJobsAgainWhileAttemptsRemain() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore();
    store.insert(running("again", 1, 2, false));
    store.insert(running("spent", 2, 2, false));
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .recoveryPolicy(RecoveryPolicy.REQUEUE)
            .handler("t", ctx -> Map.of("attempt", ctx.attempt()))
            .build()) {
      Job again = q.await("again", Duration.ofSeconds(30));
      assertThat(again.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(again.attempt()).isEqualTo(2);
      Job spent = q.get("spent");
      assertThat(spent.status()).isEqualTo(JobStatus.FAILED);
      assertThat(spent.error()).isEqualTo(Job.INTERRUPTED_ERROR);
    }
  }

  @Test
  void prefetchedJobsReturnToTheQueueAtClose() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    // stored before the queue starts, so that its first claim takes all five
    Instant t = Instant.now();
    for (int i = 0; i < 5; i++) {
      store.insert(
          new Job.Builder()
              .id("p" + i)
              .type("t")
              .status(JobStatus.QUEUED)
              .createdAt(t.plusMillis(i))
              .updatedAt(t)
              .title("p" + i)
              .build());
    }
    JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .claimBatch(5)
            .shutdownTimeout(Duration.ofSeconds(30))
            .handler(
                "t",
                ctx -> {
                  started.countDown();
                  finish.await();
                  return null;
                })
            .build();
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(q.list(JobQuery.builder().status(JobStatus.RUNNING).build())).hasSize(5);
    Thread closer = new Thread(q::close);
    closer.start();
    await().until(() -> closer.getState() == Thread.State.TIMED_WAITING); // close() has begun
    finish.countDown();
    closer.join(30_000);
    assertThat(store.get("p0").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    for (int i = 1; i < 5; i++) {
      Job j = store.get("p" + i).orElseThrow();
      assertThat(j.status()).as(j.id()).isEqualTo(JobStatus.QUEUED);
      assertThat(j.attempt()).isEqualTo(1);
    }
  }
}
