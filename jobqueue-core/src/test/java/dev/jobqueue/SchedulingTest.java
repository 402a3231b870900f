package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Priorities, FIFO, per-type concurrency and rate limits, automatic retries with backoff. */
class SchedulingTest {

  @Test
  void higherPriorityRunsFirstAndFifoWithinAPriority() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .handler(
                "gate",
                ctx -> {
                  gate.await();
                  return null;
                })
            .handler(
                "work",
                ctx -> {
                  order.add((String) ctx.input().get("n"));
                  return null;
                })
            .build()) {
      Job g = q.submit(JobRequest.builder("gate", "gate").build());
      await().until(() -> q.get(g.id()).status() == JobStatus.RUNNING);
      String[][] plan = {
        {"low1", "0"}, {"high1", "9"}, {"mid", "5"}, {"low2", "0"}, {"high2", "9"}
      };
      Job last = null;
      for (String[] p : plan) {
        last =
            q.submit(
                JobRequest.builder("work", p[0])
                    .priority(Integer.parseInt(p[1]))
                    .input(Map.of("n", p[0]))
                    .build());
      }
      gate.countDown();
      q.await(last.id(), Duration.ofSeconds(30));
      await().until(() -> order.size() == 5);
      assertThat(order).containsExactly("high1", "high2", "mid", "low1", "low2");
    }
  }

  @Test
  void perTypeConcurrencyLimitIsNeverExceeded() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    AtomicInteger otherRan = new AtomicInteger();
    try (JobQueue q =
        JobQueue.builder()
            .workers(4)
            .handler(
                "heavy",
                ctx -> {
                  int now = running.incrementAndGet();
                  maxSeen.accumulateAndGet(now, Math::max);
                  for (int i = 0; i < 20_000; i++) {
                    Thread.onSpinWait();
                  }
                  running.decrementAndGet();
                  return null;
                })
            .handler(
                "light",
                ctx -> {
                  otherRan.incrementAndGet();
                  return null;
                })
            .concurrency("heavy", 2)
            .build()) {
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        jobs.add(q.submit(JobRequest.builder(i % 4 == 0 ? "light" : "heavy", "job " + i).build()));
      }
      for (Job j : jobs) {
        assertThat(q.await(j.id(), Duration.ofSeconds(60)).status()).isEqualTo(JobStatus.COMPLETED);
      }
      assertThat(maxSeen.get()).isBetween(1, 2);
      assertThat(otherRan.get()).isEqualTo(10);
    }
  }

  @Test
  void rateLimitSpacesStarts() throws Exception {
    // The queue's own clock decides the permits: while it stands still no third job may start,
    // and each period it moves on lets two more start. (Wall-clock bounds would depend on when
    // a worker read the clock relative to the test.)
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    AtomicInteger started = new AtomicInteger();
    Duration period = Duration.ofMillis(300);
    try (JobQueue q =
        JobQueue.builder()
            .workers(2)
            .clock(clock)
            .handler(
                "api",
                ctx -> {
                  started.incrementAndGet();
                  return null;
                })
            .rateLimit("api", 2, period)
            .build()) {
      for (int i = 0; i < 6; i++) {
        q.submit(JobRequest.builder("api", "call " + i).build());
      }
      for (int allowed = 2; allowed <= 6; allowed += 2) {
        int expected = allowed;
        await().until(() -> started.get() == expected);
        // a safety check: a start beyond the permits would show here (none may ever happen)
        await()
            .during(Duration.ofMillis(400))
            .atMost(Duration.ofSeconds(30))
            .until(() -> started.get() == expected);
        clock.advance(period);
      }
    }
  }

  @Test
  void failedAttemptsRetryWithExponentialBackoffUpToMaxAttempts() throws Exception {
    List<Instant> attempts = new CopyOnWriteArrayList<>();
    RecordingListener events = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .retryBackoff(new RetryBackoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(1)))
            .handler(
                "flaky",
                ctx -> {
                  attempts.add(Instant.now());
                  if (ctx.attempt() < 3) {
                    throw new IllegalStateException("flaky attempt " + ctx.attempt());
                  }
                  return Map.of("attempt", ctx.attempt());
                })
            .handler(
                "hopeless",
                ctx -> {
                  throw new IllegalStateException("never works");
                })
            .build()) {
      q.subscribe(events);
      Job flaky = q.submit(JobRequest.builder("flaky", "flaky").maxAttempts(3).build());
      Job done = q.await(flaky.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(3);
      assertThat(done.result()).containsEntry("attempt", 3);
      assertThat(attempts).hasSize(3);
      assertThat(Duration.between(attempts.get(0), attempts.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(45));
      assertThat(Duration.between(attempts.get(1), attempts.get(2)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(95));
      await().until(() -> events.statusesOf(flaky.id()).contains(JobStatus.COMPLETED));
      assertThat(events.statusesOf(flaky.id()))
          .containsExactly(
              JobStatus.QUEUED,
              JobStatus.RUNNING,
              JobStatus.QUEUED,
              JobStatus.RUNNING,
              JobStatus.QUEUED,
              JobStatus.RUNNING,
              JobStatus.COMPLETED);
      assertThat(events.of(flaky.id()))
          .anySatisfy(e -> assertThat(e.job().error()).isEqualTo("flaky attempt 1"));

      Job hopeless = q.submit(JobRequest.builder("hopeless", "hopeless").maxAttempts(2).build());
      Job failed = q.await(hopeless.id(), Duration.ofSeconds(30));
      assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
      assertThat(failed.attempt()).isEqualTo(2);
      assertThat(failed.error()).isEqualTo("never works");
    }
  }

  @Test
  void backoffGrowsAndIsCapped() {
    RetryBackoff b = new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5));
    assertThat(b.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(b.delayAfter(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delayAfter(60)).isEqualTo(Duration.ofSeconds(5));
  }
}
