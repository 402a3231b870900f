package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Managed attempts past their timeout fail "timed out"; silent tracked jobs fail too. */
class TimeoutTest {

  @Test
  void aHandlerThatSleepsForeverFailsAtItsTimeout() throws Exception {
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .timeout("sleepy", Duration.ofSeconds(2))
            .handler(
                "sleepy",
                ctx -> {
                  Thread.sleep(Long.MAX_VALUE);
                  return null;
                })
            .build()) {
      Job j = q.submit(JobRequest.builder("sleepy", "sleeps forever").build());
      Job done = q.await(j.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.FAILED);
      assertThat(done.error()).isEqualTo("timed out after 2 s");
      assertThat(Duration.between(done.startedAt(), done.completedAt()))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void aRequestTimeoutWinsAndATimedOutAttemptIsRetriedWhileAttemptsRemain() throws Exception {
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .timeout("t", Duration.ofMinutes(10))
            .retryBackoff(new RetryBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1)))
            .handler(
                "t",
                ctx -> {
                  if (ctx.attempt() == 1) {
                    new CountDownLatch(1).await(); // only the timeout's interrupt ends this
                  }
                  return Map.of("attempt", ctx.attempt());
                })
            .build()) {
      Job j =
          q.submit(
              JobRequest.builder("t", "slow first")
                  .timeout(Duration.ofMillis(300))
                  .maxAttempts(2)
                  .build());
      assertThat(j.timeout()).isEqualTo(Duration.ofMillis(300));
      Job done = q.await(j.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.result()).containsEntry("attempt", 2);
    }
  }

  @Test
  void aHandlerThatIgnoresTheInterruptLosesItsWorkerWhichIsReplaced() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Thread> handlerThread =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .timeout("stubborn", Duration.ofMillis(200))
            .handler(
                "stubborn",
                ctx -> {
                  handlerThread.set(Thread.currentThread());
                  while (true) {
                    try {
                      release.await();
                      return null;
                    } catch (InterruptedException ignored) {
                      // ignores the cancel on purpose
                    }
                  }
                })
            .handler("quick", ctx -> Map.of("ok", true))
            .build()) {
      Job stuck = q.submit(JobRequest.builder("stubborn", "ignores interrupts").build());
      Job failed = q.await(stuck.id(), Duration.ofSeconds(30));
      assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
      assertThat(failed.error()).isEqualTo("timed out after 0.2 s");
      // The only worker is still blocked in the handler; its replacement runs the next job.
      Job next = q.submit(JobRequest.builder("quick", "runs on the replacement").build());
      assertThat(q.await(next.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      release.countDown();
      // The late return of the stuck handler changes nothing, and its thread then ends.
      await().until(() -> !handlerThread.get().isAlive());
      assertThat(q.get(stuck.id()).version()).isEqualTo(failed.version());
    }
  }

  @Test
  void aTrackedJobWithoutReportsFailsAfterItsInactivityTimeout() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    try (JobQueue q =
        JobQueue.builder()
            .workers(0)
            .clock(clock)
            .lease(Duration.ofMillis(300)) // the check runs every 100 ms
            .trackedInactivityTimeout(Duration.ofMinutes(5))
            .build()) {
      Job quiet = q.tracker().create(JobRequest.builder("upload", "forgotten").build());
      q.tracker().start(quiet.id());
      Job talking = q.tracker().create(JobRequest.builder("upload", "reports").build());
      q.tracker().start(talking.id());
      clock.advance(Duration.ofMinutes(4));
      q.tracker().progress(talking.id(), 0.5, "half");
      clock.advance(Duration.ofMinutes(2));
      await().until(() -> q.get(quiet.id()).status() == JobStatus.FAILED);
      assertThat(q.get(quiet.id()).error())
          .isEqualTo(
              "no report from the host for 5 min: the tracked job was abandoned"
                  + " (inactivity timeout)");
      assertThat(q.get(talking.id()).status()).isEqualTo(JobStatus.RUNNING);
      assertThatThrownBy(() -> q.tracker().progress(quiet.id(), 0.9, "late"))
          .isInstanceOf(JobStateException.class);
    }
  }

  @Test
  void timeoutsMustBePositive() {
    assertThatThrownBy(() -> JobQueue.builder().timeout("t", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout of t");
    assertThatThrownBy(() -> JobRequest.builder("t", "x").timeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }
}
