package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.ForwardingStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Races around a worker's reservation, made certain by a store that holds a reservation open. A
 * reservation starts before the write that makes a job runnable and returns after it, so the job's
 * start must still reach listeners after that write's event; and a cancel may land between the
 * reservation and the start.
 */
class EventOrderTest {

  /**
   * Delegates to the in-memory store; once armed, the next reservation waits for the next write.
   */
  static final class ReserveWaitsForWriteStore extends ForwardingStore {
    ReserveWaitsForWriteStore() {
      super(new InMemoryJobStore());
    }

    @Override
    public CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
      return updateAsyncViaUpdate(next, expectedVersion); // the hook sees every write
    }

    private volatile CountDownLatch claimEntered;
    private volatile CountDownLatch written;

    void arm() {
      written = new CountDownLatch(1);
      claimEntered = new CountDownLatch(1);
    }

    void awaitClaimEntered() throws InterruptedException {
      assertThat(claimEntered.await(30, TimeUnit.SECONDS))
          .as("a worker started a reservation")
          .isTrue();
    }

    private void wrote() {
      CountDownLatch w = written;
      if (w != null) {
        w.countDown();
      }
    }

    /**
     * When set, a reservation that took a job opens {@code claimed} and returns only when this
     * opens.
     */
    volatile CountDownLatch holdClaimResult;

    final CountDownLatch claimed = new CountDownLatch(1);

    @Override
    public List<Job> reserve(ClaimRequest request) {
      CountDownLatch hold = holdClaimResult;
      if (hold != null) {
        List<Job> jobs = delegate.reserve(request);
        if (!jobs.isEmpty()) {
          claimed.countDown();
          try {
            assertThat(hold.await(30, TimeUnit.SECONDS)).isTrue();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return jobs;
      }
      CountDownLatch entered = claimEntered;
      CountDownLatch w = written;
      if (entered != null && entered.getCount() > 0) {
        entered.countDown();
        try {
          assertThat(w.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      List<Job> jobs = delegate.reserve(request);
      jobs.forEach(j -> reservedIds.add(j.id()));
      return jobs;
    }

    @Override
    public void insert(Job job) {
      delegate.insert(job);
      wrote();
    }

    /** When set, a write that cancels a job opens {@code cancelWriteEntered} and waits for it. */
    volatile CountDownLatch holdCancelWrite;

    final CountDownLatch cancelWriteEntered = new CountDownLatch(1);

    /** Every job a reservation returned. */
    final Set<String> reservedIds = ConcurrentHashMap.newKeySet();

    /** When set, a batch insert is stored at once but returns only when this opens. */
    volatile CountDownLatch slowBatchCommit;

    @Override
    public void insertAll(List<Job> jobs) {
      delegate.insertAll(jobs);
      wrote();
      CountDownLatch slow = slowBatchCommit;
      if (slow != null) {
        try {
          assertThat(slow.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public boolean update(Job next, long expectedVersion) {
      CountDownLatch hold = holdCancelWrite;
      if (hold != null && next.status() == JobStatus.CANCELLED) {
        cancelWriteEntered.countDown();
        try {
          assertThat(hold.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      boolean ok = delegate.update(next, expectedVersion);
      if (ok && next.status() == JobStatus.QUEUED) {
        wrote();
      }
      return ok;
    }
  }

  private static void assertInVersionOrder(RecordingListener l, String jobId) {
    List<JobEvent> events = l.of(jobId);
    assertThat(events).extracting(e -> e.job().version()).isSorted().doesNotHaveDuplicates();
    assertThat(events).extracting(JobEvent::sequence).isSorted();
  }

  @Test
  void aStartThatOvertookTheCreationIsDeliveredAfterIt() throws Exception {
    ReserveWaitsForWriteStore store = new ReserveWaitsForWriteStore();
    RecordingListener l = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .pollInterval(Duration.ofMillis(5))
            .handler("t", ctx -> Map.of())
            .build()) {
      q.subscribe(l);
      store.arm();
      store.awaitClaimEntered();
      Job job = q.submit(JobRequest.builder("t", "overtaken").build());
      assertThat(q.await(job.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
      await().until(() -> l.statusesOf(job.id()).size() == 3);
      assertThat(l.statusesOf(job.id()))
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
      assertThat(l.of(job.id()).get(0).kind()).isEqualTo(JobEvent.Kind.CREATED);
      assertInVersionOrder(l, job.id());
    }
  }

  @Test
  void aBatchReservationThatOvertookSeveralCreationsIsDeliveredAfterThem() throws Exception {
    ReserveWaitsForWriteStore store = new ReserveWaitsForWriteStore();
    RecordingListener l = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .reserveBatch(4)
            .pollInterval(Duration.ofMillis(5))
            .handler("t", ctx -> Map.of())
            .build()) {
      q.subscribe(l);
      store.arm();
      store.awaitClaimEntered();
      List<Job> jobs =
          q.submitAll(
              List.of(
                  JobRequest.builder("t", "a").build(),
                  JobRequest.builder("t", "b").build(),
                  JobRequest.builder("t", "c").build()));
      for (Job job : jobs) {
        assertThat(q.await(job.id(), Duration.ofSeconds(30)).status())
            .isEqualTo(JobStatus.COMPLETED);
        await().until(() -> l.statusesOf(job.id()).size() == 3);
        assertThat(l.statusesOf(job.id()))
            .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
        assertInVersionOrder(l, job.id());
      }
    }
  }

  @Test
  void aSlowBatchInsertDoesNotHoldBackOtherJobsEvents() throws Exception {
    ReserveWaitsForWriteStore store = new ReserveWaitsForWriteStore();
    RecordingListener l = new RecordingListener();
    CountDownLatch mayFinish = new CountDownLatch(1);
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(2)
            .handler(
                "t",
                ctx -> {
                  if (ctx.input().containsKey("wait")) {
                    mayFinish.await();
                  }
                  return Map.of();
                })
            .build()) {
      q.subscribe(l);
      Job running =
          q.submit(JobRequest.builder("t", "running").input(Map.of("wait", true)).build());
      await().until(() -> l.statusesOf(running.id()).contains(JobStatus.RUNNING));
      store.slowBatchCommit = new CountDownLatch(1);
      Thread submitter =
          new Thread(
              () ->
                  q.submitAll(
                      List.of(
                          JobRequest.builder("t", "b").build(),
                          JobRequest.builder("t", "c").build())));
      submitter.start();
      await().until(() -> q.list(JobQuery.builder().limit(10).build()).size() == 3);
      mayFinish.countDown();
      // the batch's write has not returned; the other job's end must not wait for it
      await().until(() -> l.statusesOf(running.id()).contains(JobStatus.COMPLETED));
      assertThat(submitter.isAlive()).as("the batch insert is still in flight").isTrue();
      store.slowBatchCommit.countDown();
      submitter.join(10_000);
      for (Job j : q.list(JobQuery.builder().limit(10).build())) {
        await().until(() -> l.statusesOf(j.id()).contains(JobStatus.COMPLETED));
        assertThat(l.of(j.id()).get(0).kind()).isEqualTo(JobEvent.Kind.CREATED);
        assertThat(l.statusesOf(j.id()))
            .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
        assertInVersionOrder(l, j.id());
      }
      assertThat(l.events).extracting(JobEvent::sequence).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void aJobCancelledWhileReservedNeverStarts() throws Exception {
    ReserveWaitsForWriteStore store = new ReserveWaitsForWriteStore();
    AtomicInteger runs = new AtomicInteger();
    RecordingListener l = new RecordingListener();
    store.holdClaimResult = new CountDownLatch(1);
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .handler(
                "t",
                ctx -> {
                  runs.incrementAndGet();
                  return Map.of();
                })
            .build()) {
      q.subscribe(l);
      Job job = q.submit(JobRequest.builder("t", "cancelled while reserved").build());
      assertThat(store.claimed.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(q.get(job.id()).status()).as("reserved, not started").isEqualTo(JobStatus.QUEUED);
      // the cancel waits for the reservation in flight, then takes the job out of it
      Thread canceller = new Thread(() -> q.cancel(job.id()), "canceller");
      canceller.start();
      await().until(() -> canceller.getState() == Thread.State.WAITING);
      store.holdClaimResult.countDown();
      canceller.join(30_000);
      assertThat(canceller.isAlive()).isFalse();
      Job after = q.submit(JobRequest.builder("t", "runs next").build());
      assertThat(q.await(after.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      assertThat(q.get(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(runs).as("only the second job ran").hasValue(1);
      await().until(() -> l.statusesOf(job.id()).size() == 2);
      assertThat(l.statusesOf(job.id())).containsExactly(JobStatus.QUEUED, JobStatus.CANCELLED);
    }
  }

  @Test
  void aJobReservedWhileItsCancelIsBeingWrittenNeverStarts() throws Exception {
    // The cancel finds the job queued and not reserved; while its write is held, a worker
    // reserves the job (it still reads queued). The worker must not start it.
    ReserveWaitsForWriteStore store = new ReserveWaitsForWriteStore();
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    AtomicInteger runs = new AtomicInteger();
    Thread[] worker = new Thread[1];
    ExecutorService workers =
        Executors.newSingleThreadExecutor(r -> worker[0] = new Thread(r, "the-worker"));
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .executor(workers)
            .clock(clock)
            .pollInterval(Duration.ofMillis(10))
            .handler(
                "t",
                ctx -> {
                  runs.incrementAndGet();
                  return Map.of();
                })
            .build()) {
      Job job = q.submit(JobRequest.builder("t", "due later").delay(Duration.ofHours(1)).build());
      store.holdCancelWrite = new CountDownLatch(1);
      Thread canceller = new Thread(() -> q.cancel(job.id()), "canceller");
      canceller.start();
      assertThat(store.cancelWriteEntered.await(30, TimeUnit.SECONDS)).isTrue();
      clock.advance(Duration.ofHours(2)); // due now: the next poll reserves it
      await().until(() -> store.reservedIds.contains(job.id()));
      await().until(() -> worker[0].getState() == Thread.State.TIMED_WAITING); // polling again
      store.holdCancelWrite.countDown();
      canceller.join(30_000);
      assertThat(q.get(job.id()).status()).isEqualTo(JobStatus.CANCELLED);
      assertThat(runs).as("never started").hasValue(0);
      store.holdCancelWrite = null;
      Job next = q.submit(JobRequest.builder("t", "runs").build());
      assertThat(q.await(next.id(), Duration.ofSeconds(30)).status())
          .as("the worker is free")
          .isEqualTo(JobStatus.COMPLETED);
      assertThat(runs).hasValue(1);
    } finally {
      workers.shutdownNow();
    }
  }

  @Test
  void aStartThatOvertookARetryIsDeliveredAfterIt() throws Exception {
    ReserveWaitsForWriteStore store = new ReserveWaitsForWriteStore();
    RecordingListener l = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .pollInterval(Duration.ofMillis(5))
            .handler(
                "t",
                ctx -> {
                  if (ctx.attempt() == 1) {
                    throw new IllegalStateException("first attempt fails");
                  }
                  return Map.of();
                })
            .build()) {
      q.subscribe(l);
      Job job = q.submit(JobRequest.builder("t", "retried").build());
      assertThat(q.await(job.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.FAILED);
      store.arm();
      store.awaitClaimEntered();
      q.retry(job.id());
      await().until(() -> q.get(job.id()).status() == JobStatus.COMPLETED);
      await().until(() -> l.statusesOf(job.id()).size() == 6);
      assertThat(l.statusesOf(job.id()))
          .containsExactly(
              JobStatus.QUEUED,
              JobStatus.RUNNING,
              JobStatus.FAILED,
              JobStatus.QUEUED,
              JobStatus.RUNNING,
              JobStatus.COMPLETED);
      assertInVersionOrder(l, job.id());
    }
  }
}
