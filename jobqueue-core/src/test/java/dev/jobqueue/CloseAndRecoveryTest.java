package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.ForwardingStore;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  void aJobReservedWhileTheQueueStopsIsHandedBackNotStarted() throws Exception {
    // The worker's reservation returns only after close() stopped waiting for it: the job must go
    // back at once (a second queue takes it long before the reservation's lease would lapse).
    EventOrderTest.ReserveWaitsForWriteStore store = new EventOrderTest.ReserveWaitsForWriteStore();
    CountDownLatch hold = new CountDownLatch(1);
    store.holdClaimResult = hold;
    AtomicInteger runsOnA = new AtomicInteger();
    JobQueue a =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .lease(Duration.ofMinutes(10))
            .shutdownTimeout(Duration.ZERO)
            .handler(
                "late",
                ctx -> {
                  runsOnA.incrementAndGet();
                  return null;
                })
            .build();
    Job j = a.submit(JobRequest.builder("late", "reserved while stopping").build());
    assertThat(store.claimed.await(30, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(a::close, "closer");
    closer.start();
    await().until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    hold.countDown();
    closer.join(30_000);
    assertThat(closer.isAlive()).isFalse();
    store.holdClaimResult = null;
    Job after = store.get(j.id()).orElseThrow();
    assertThat(after.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(after.version()).isEqualTo(j.version());
    try (JobQueue b =
        JobQueue.builder().store(store).workers(1).handler("late", ctx -> null).build()) {
      Job done = b.await(j.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(1);
    }
    assertThat(runsOnA).hasValue(0);
  }

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Eight queued jobs p0-p7 and a queue with one worker that ends up blocked in p3 while p4-p6 sit
   * reserved: a fixed clock makes every batch "started quickly", so the batches grow 1, 2, 4.
   */
  private static JobQueue blockedWithThreeReserved(
      JobStore store, CountDownLatch finish, JobListener listener) throws Exception {
    return blockedWithThreeReserved(store, finish, listener, ConcurrentHashMap.newKeySet());
  }

  /**
   * One worker, batches of 1, 2 and 4 (a fixed clock makes each batch look quick): p3's handler
   * blocks until {@code finish}, p4-p6 wait behind it, p7 is left in the store; {@code ran} gets
   * the id of every handler run.
   */
  private static JobQueue blockedWithThreeReserved(
      JobStore store, CountDownLatch finish, JobListener listener, Set<String> ran)
      throws Exception {
    for (int i = 0; i < 8; i++) {
      store.insert(
          new Job.Builder()
              .id("p" + i)
              .type("t")
              .status(JobStatus.QUEUED)
              .createdAt(T.plusMillis(i))
              .updatedAt(T)
              .title("p" + i)
              .build());
    }
    CountDownLatch blocked = new CountDownLatch(1);
    JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .reserveBatch(4)
            .clock(java.time.Clock.fixed(T, java.time.ZoneOffset.UTC))
            .lease(Duration.ofMinutes(10))
            .shutdownTimeout(Duration.ofSeconds(30))
            .handler(
                "t",
                ctx -> {
                  ran.add(ctx.jobId());
                  if (ctx.jobId().equals("p3")) {
                    blocked.countDown();
                    finish.await();
                  }
                  return null;
                })
            .build();
    q.subscribe(listener);
    assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(store.reserve(new dev.jobqueue.spi.ClaimRequest(Set.of("t"), T, "probe", T)))
        .as("p4-p6 are reserved, p7 is not")
        .extracting(Job::id)
        .containsExactly("p7");
    store.release("probe", List.of("p7"));
    return q;
  }

  /** Whoever reserves now gets exactly {@code ids}: the queue holds none of them. */
  private static void reservableNow(JobStore store, String... ids) {
    assertThat(store.reserve(new dev.jobqueue.spi.ClaimRequest(Set.of("t"), T, "next", T, 10)))
        .as("released at once, not after the 10-minute lease")
        .extracting(Job::id)
        .containsExactly(ids);
  }

  @Test
  void reservedJobsShowQueuedUntilStartedAndGoBackAtClose() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore();
    CountDownLatch finish = new CountDownLatch(1);
    RecordingListener l = new RecordingListener();
    JobQueue a = blockedWithThreeReserved(store, finish, l);
    for (int i = 4; i < 7; i++) {
      Job j = a.get("p" + i);
      assertThat(j.status()).as(j.id()).isEqualTo(JobStatus.QUEUED);
      assertThat(j.version()).isEqualTo(1);
    }
    assertThat(a.list(JobQuery.builder().status(JobStatus.RUNNING).build()))
        .extracting(Job::id)
        .containsExactly("p3");
    Thread closer = new Thread(a::close);
    closer.start();
    await().until(() -> closer.getState() == Thread.State.TIMED_WAITING); // close() has begun
    finish.countDown();
    closer.join(30_000);
    assertThat(store.get("p3").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    for (int i = 4; i < 8; i++) {
      assertThat(l.statusesOf("p" + i)).as("p" + i).isEmpty();
      Job j = store.get("p" + i).orElseThrow();
      assertThat(j.status()).as(j.id()).isEqualTo(JobStatus.QUEUED);
      assertThat(j.attempt()).isEqualTo(1);
    }
    reservableNow(store, "p4", "p5", "p6", "p7");
  }

  @Test
  void pausingATypeHandsBackItsReservedJobs() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore();
    CountDownLatch finish = new CountDownLatch(1);
    RecordingListener l = new RecordingListener();
    try (JobQueue a = blockedWithThreeReserved(store, finish, l)) {
      a.pause("t");
      reservableNow(store, "p4", "p5", "p6", "p7");
      store.release("next", List.of("p4", "p5", "p6", "p7"));
      finish.countDown();
      await().until(() -> a.get("p3").status() == JobStatus.COMPLETED);
      for (int i = 4; i < 8; i++) {
        assertThat(l.statusesOf("p" + i)).as("p" + i + " never started").isEmpty();
      }
    }
  }

  /** A store other instances share: a worker runs a handler only once its start is stored. */
  private static JobStore shared(JobStore store) {
    return new ForwardingStore(store) {
      @Override
      public boolean isShared() {
        return true;
      }
    };
  }

  @Test
  void onASharedStoreJobsStartedAheadGoBackToQueuedAtCloseWhileTheJobInHandRuns() throws Exception {
    JobStore store = shared(new InMemoryJobStore());
    CountDownLatch finish = new CountDownLatch(1);
    RecordingListener l = new RecordingListener();
    Set<String> ran = ConcurrentHashMap.newKeySet();
    JobQueue a = blockedWithThreeReserved(store, finish, l, ran);
    for (int i = 4; i < 7; i++) {
      // batches grew: the worker started p4-p6 with p3, in one store round, to run them in turn
      String id = "p" + i;
      await().until(() -> store.get(id).orElseThrow().status() == JobStatus.RUNNING);
    }
    Thread closer = new Thread(a::close);
    closer.start();
    for (int i = 4; i < 7; i++) {
      String id = "p" + i;
      // handed back at once, not after the job in hand (p3 is still blocked)
      await().until(() -> store.get(id).orElseThrow().status() == JobStatus.QUEUED);
    }
    assertThat(store.get("p3").orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    finish.countDown();
    closer.join(30_000);
    assertThat(store.get("p3").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(ran).containsExactlyInAnyOrder("p0", "p1", "p2", "p3");
    for (int i = 4; i < 7; i++) {
      Job j = store.get("p" + i).orElseThrow();
      // the listener subscribed after the workers began: it may have missed the start
      assertThat(l.statusesOf(j.id())).as(j.id()).endsWith(JobStatus.QUEUED);
      assertThat(l.statusesOf(j.id())).doesNotContain(JobStatus.COMPLETED);
      assertThat(j.attempt()).isEqualTo(1);
      assertThat(j.version()).as("started, then handed back").isEqualTo(3);
      assertThat(j.startedAt()).isNull();
      assertThat(j.owner()).isNull();
      assertThat(j.leaseExpiresAt()).isNull();
    }
    assertThat(l.statusesOf("p7")).isEmpty();
    reservableNow(store, "p4", "p5", "p6", "p7");
  }

  @Test
  void onASharedStoreAJobStartedAheadAndCancelledEndsCancelledWithoutRunningItsHandler()
      throws Exception {
    JobStore store = shared(new InMemoryJobStore());
    CountDownLatch finish = new CountDownLatch(1);
    RecordingListener l = new RecordingListener();
    Set<String> ran = ConcurrentHashMap.newKeySet();
    try (JobQueue a = blockedWithThreeReserved(store, finish, l, ran)) {
      await().until(() -> store.get("p5").orElseThrow().status() == JobStatus.RUNNING);
      a.cancel("p5");
      finish.countDown();
      await().until(() -> a.get("p6").status() == JobStatus.COMPLETED);
      assertThat(a.get("p5").status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(ran).doesNotContain("p5").contains("p4", "p6");
    }
  }

  @Test
  void onASharedStorePausingATypeHandsBackItsJobsStartedAhead() throws Exception {
    JobStore store = shared(new InMemoryJobStore());
    CountDownLatch finish = new CountDownLatch(1);
    RecordingListener l = new RecordingListener();
    Set<String> ran = ConcurrentHashMap.newKeySet();
    try (JobQueue a = blockedWithThreeReserved(store, finish, l, ran)) {
      await().until(() -> store.get("p6").orElseThrow().status() == JobStatus.RUNNING);
      a.pause("t");
      for (int i = 4; i < 7; i++) {
        Job j = store.get("p" + i).orElseThrow();
        assertThat(j.status()).as(j.id()).isEqualTo(JobStatus.QUEUED);
        assertThat(j.attempt()).isEqualTo(1);
      }
      reservableNow(store, "p4", "p5", "p6", "p7");
      store.release("next", List.of("p4", "p5", "p6", "p7"));
      finish.countDown();
      await().until(() -> a.get("p3").status() == JobStatus.COMPLETED);
      assertThat(ran).containsExactlyInAnyOrder("p0", "p1", "p2", "p3");
    }
  }
}
