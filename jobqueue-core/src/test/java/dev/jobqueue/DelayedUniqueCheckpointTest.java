package dev.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Delayed jobs, unique keys and checkpoints through the queue (the in-memory store). */
class DelayedUniqueCheckpointTest {

  @Test
  void aDelayedJobWaitsForItsRunAtWhileLaterJobsRun() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    List<String> ran = new CopyOnWriteArrayList<>();
    try (JobQueue q =
        JobQueue.builder()
            .clock(clock)
            .workers(1)
            .pollInterval(Duration.ofMillis(20))
            .handler(
                "t",
                ctx -> {
                  ran.add(ctx.job().title());
                  return null;
                })
            .build()) {
      Job delayed =
          q.submit(JobRequest.builder("t", "delayed").delay(Duration.ofMinutes(10)).build());
      assertThat(delayed.status()).isEqualTo(JobStatus.QUEUED);
      assertThat(delayed.runAt()).isEqualTo(Instant.parse("2026-03-01T10:10:00Z"));
      // FIFO would take the delayed job first if it were due: the later one running proves it waits
      Job now = q.submit(JobRequest.builder("t", "now").build());
      q.await(now.id(), Duration.ofSeconds(30));
      assertThat(ran).containsExactly("now");
      assertThat(q.get(delayed.id()).status()).isEqualTo(JobStatus.QUEUED);

      clock.advance(Duration.ofMinutes(10));
      Job done = q.await(delayed.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.startedAt()).isAfterOrEqualTo(Instant.parse("2026-03-01T10:10:00Z"));
      assertThat(ran).containsExactly("now", "delayed");
    }
  }

  @Test
  void aDueJobWakesAnIdleWorkerWithoutWaitingForAPoll() throws Exception {
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .pollInterval(Duration.ofHours(1))
            .handler("t", ctx -> null)
            .build()) {
      Instant runAt = Instant.now().plusMillis(300);
      Job j = q.submit(JobRequest.builder("t", "soon").runAt(runAt).build());
      Job done = q.await(j.id(), Duration.ofSeconds(30)); // an hour's poll would time this out
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.startedAt()).isAfterOrEqualTo(runAt);
    }
  }

  @Test
  void aDelayedJobCanBeCancelledOrDeletedBeforeItRuns() {
    try (JobQueue q = JobQueue.builder().workers(1).handler("t", ctx -> null).build()) {
      Job j = q.submit(JobRequest.builder("t", "later").delay(Duration.ofHours(1)).build());
      assertThat(q.cancel(j.id()).status()).isEqualTo(JobStatus.CANCELLED);
      q.delete(j.id());
      assertThat(q.find(j.id())).isEmpty();
    }
  }

  @Test
  void runAtAndDelayAreCheckedAndExclusive() {
    JobRequest.Builder b = JobRequest.builder("t", "x");
    assertThat(b.runAt(Instant.EPOCH).delay(Duration.ofSeconds(5)).build().runAt()).isNull();
    assertThatThrownBy(() -> JobRequest.builder("t", "x").delay(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("delay must not be negative");
    assertThatThrownBy(() -> JobRequest.builder("t", "x").uniqueKey(" ").build())
        .hasMessageContaining("unique key must not be null or blank");
  }

  @Test
  void racingUniqueSubmitsCreateOneJobUntilItEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (JobQueue q =
        JobQueue.builder()
            .workers(2)
            .handler(
                "gen",
                ctx -> {
                  release.await();
                  return null;
                })
            .build()) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Job>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return q.submit(
                      JobRequest.builder("gen", "a cat").userId("u").uniqueKey("cat:512").build());
                }));
      }
      start.countDown();
      Set<String> ids = new HashSet<>();
      for (Future<Job> f : futures) {
        ids.add(f.get(30, TimeUnit.SECONDS).id());
      }
      assertThat(ids).hasSize(1);
      String id = ids.iterator().next();
      assertThat(q.list(JobQuery.all())).extracting(Job::id).containsExactly(id);
      // another user has a key space of its own
      Job other =
          q.submit(JobRequest.builder("gen", "a cat").userId("v").uniqueKey("cat:512").build());
      assertThat(other.id()).isNotEqualTo(id);

      release.countDown();
      q.await(id, Duration.ofSeconds(30));
      Job again =
          q.submit(JobRequest.builder("gen", "a cat").userId("u").uniqueKey("cat:512").build());
      assertThat(again.id()).isNotEqualTo(id);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theNextAttemptSeesTheLastCheckpoint() throws Exception {
    List<Map<String, Object>> seen = new CopyOnWriteArrayList<>();
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .retryBackoff(new RetryBackoff(Duration.ZERO, 1.0, Duration.ZERO))
            .handler(
                "long",
                ctx -> {
                  seen.add(ctx.lastCheckpoint());
                  if (ctx.attempt() == 1) {
                    ctx.checkpoint(Map.of("rows", 3));
                    ctx.checkpoint(Map.of("rows", 6));
                    throw new IllegalStateException("boom");
                  }
                  return Map.of("resumed_from", ctx.lastCheckpoint().get("rows"));
                })
            .build()) {
      Job j = q.submit(JobRequest.builder("long", "render").maxAttempts(2).build());
      Job done = q.await(j.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(seen).containsExactly(Map.of(), Map.of("rows", 6));
      assertThat(done.result()).containsEntry("resumed_from", 6);
      assertThat(done.checkpoint()).isEqualTo(Map.of("rows", 6));
    }
  }
}
