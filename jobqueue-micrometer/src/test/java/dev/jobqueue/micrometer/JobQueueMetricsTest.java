package dev.jobqueue.micrometer;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.MutableClock;
import dev.jobqueue.RetryBackoff;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobQueueMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CountDownLatch release = new CountDownLatch(1);
  private JobQueue queue;
  private JobQueueMetrics metrics;

  @AfterEach
  void tearDown() {
    release.countDown();
    if (metrics != null) {
      metrics.close();
    }
    if (queue != null) {
      queue.close();
    }
  }

  /** One worker; every handler moves the clock itself, so every timestamp is scripted. */
  private JobQueue newQueue() {
    return JobQueue.builder()
        .clock(clock)
        .workers(1)
        .pollInterval(Duration.ofMillis(5))
        .retryBackoff(new RetryBackoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(1)))
        .handler(
            "slow",
            ctx -> {
              assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
              clock.advance(Duration.ofMillis(200));
              return Map.of();
            })
        .handler(
            "ok",
            ctx -> {
              clock.advance(Duration.ofMillis(50));
              return Map.of();
            })
        .handler(
            "boom",
            ctx -> {
              throw new IllegalStateException("boom");
            })
        .build();
  }

  @Test
  void countsAndTimersMatchAScriptedRun() throws Exception {
    queue = newQueue();
    metrics =
        JobQueueMetrics.builder(queue)
            .tags(Tags.of("app", "test"))
            .statsRefresh(Duration.ZERO)
            .build();
    metrics.bindTo(registry);

    // t=0: the only worker takes "slow" and holds it until released
    Job slow = queue.submit(JobRequest.builder("slow", "slow").build());
    await().until(() -> queue.get(slow.id()).status() == JobStatus.RUNNING);
    Job ok = queue.submit(JobRequest.builder("ok", "ok").build());
    Job boom = queue.submit(JobRequest.builder("boom", "boom").maxAttempts(2).build());
    Job again = queue.submit(JobRequest.builder("ok", "cancelled, then retried").build());
    queue.cancel(again.id()); // queued: cancelled at once, never ran
    queue.retry(again.id()); // queued again at t=0, attempt 2

    await().until(() -> metrics.lastRecordedSequence() == queue.lastSequence());
    assertThat(gauge("jobqueue.workers.busy", Tags.empty())).isEqualTo(1.0);
    assertThat(jobs("slow", "running")).isEqualTo(1.0);
    assertThat(jobs("ok", "queued")).isEqualTo(2.0);
    assertThat(jobs("boom", "queued")).isEqualTo(1.0);

    // t=100 ms: release; slow ends at 300, ok runs 300-350, boom fails at 350 (retry due at
    // 1350), the retried job runs 350-400
    clock.advance(Duration.ofMillis(100));
    release.countDown();
    assertThat(queue.await(slow.id(), WAIT).status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(queue.await(ok.id(), WAIT).status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(queue.await(again.id(), WAIT).status()).isEqualTo(JobStatus.COMPLETED);
    await().until(() -> queue.get(boom.id()).attempt() == 2);
    // t=1350 ms: boom's second attempt is due and fails at once, for good
    clock.advance(Duration.ofMillis(950));
    assertThat(queue.await(boom.id(), WAIT).status()).isEqualTo(JobStatus.FAILED);
    await().until(() -> metrics.lastRecordedSequence() == queue.lastSequence());

    assertThat(counter("jobqueue.jobs.submitted", "slow", null)).isEqualTo(1.0);
    assertThat(counter("jobqueue.jobs.submitted", "ok", null)).isEqualTo(2.0);
    assertThat(counter("jobqueue.jobs.submitted", "boom", null)).isEqualTo(1.0);
    assertThat(counter("jobqueue.jobs.finished", "slow", "completed")).isEqualTo(1.0);
    assertThat(counter("jobqueue.jobs.finished", "ok", "completed")).isEqualTo(2.0);
    assertThat(counter("jobqueue.jobs.finished", "ok", "cancelled")).isEqualTo(1.0);
    assertThat(counter("jobqueue.jobs.finished", "boom", "failed")).isEqualTo(1.0);
    assertThat(registry.find("jobqueue.jobs.finished").counters()).hasSize(4);
    assertThat(counter("jobqueue.jobs.retried", "ok", null)).isEqualTo(1.0);
    assertThat(counter("jobqueue.jobs.retried", "boom", null)).isEqualTo(1.0);
    assertThat(registry.find("jobqueue.jobs.retried").counters()).hasSize(2);

    assertTimer("jobqueue.job.wait", "slow", null, 1, 0);
    assertTimer("jobqueue.job.wait", "ok", null, 2, 300 + 350);
    assertTimer("jobqueue.job.wait", "boom", null, 2, 350 + 0);
    assertTimer("jobqueue.job.duration", "slow", "completed", 1, 300);
    assertTimer("jobqueue.job.duration", "ok", "completed", 2, 50 + 50);
    assertTimer("jobqueue.job.duration", "boom", "retried", 1, 0);
    assertTimer("jobqueue.job.duration", "boom", "failed", 1, 0);
    assertThat(registry.find("jobqueue.job.duration").timers()).hasSize(4);

    assertThat(gauge("jobqueue.workers.busy", Tags.empty())).isZero();
    assertThat(jobs("slow", "completed")).isEqualTo(1.0);
    assertThat(jobs("ok", "completed")).isEqualTo(2.0);
    assertThat(jobs("ok", "queued")).isZero();
    assertThat(jobs("boom", "failed")).isEqualTo(1.0);
    assertThat(gauge("jobqueue.listener.backlog", Tags.of("listener", "metrics"))).isZero();
  }

  @Test
  void typesBeyondTheCapShareTheOtherTag() throws Exception {
    queue =
        JobQueue.builder()
            .workers(1)
            .handler("a", ctx -> Map.of())
            .handler("b", ctx -> Map.of())
            .handler("c", ctx -> Map.of())
            .build();
    metrics = JobQueueMetrics.builder(queue).maxTypes(2).statsRefresh(Duration.ZERO).build();
    metrics.bindTo(registry);
    for (String type : new String[] {"a", "b", "c", "c"}) {
      Job j = queue.submit(JobRequest.builder(type, type).build());
      queue.await(j.id(), WAIT);
    }
    await().until(() -> metrics.lastRecordedSequence() == queue.lastSequence());

    assertThat(registry.find("jobqueue.jobs.submitted").counters())
        .extracting(c -> c.getId().getTag("type"))
        .containsExactlyInAnyOrder("a", "b", "other");
    assertThat(counter("jobqueue.jobs.submitted", "other", null)).isEqualTo(2.0);
    assertThat(jobs("other", "completed")).isEqualTo(2.0);
    assertThat(
            registry.find("jobqueue.jobs").gauges().stream()
                .map(g -> g.getId().getTag("type"))
                .distinct())
        .containsExactlyInAnyOrder("a", "b", "other");
  }

  @Test
  void timersPublishTheConfiguredPercentiles() throws Exception {
    queue = JobQueue.builder().workers(1).handler("ok", ctx -> Map.of()).build();
    metrics = JobQueueMetrics.builder(queue).percentiles(0.5, 0.95).build();
    metrics.bindTo(registry);
    Job j = queue.submit(JobRequest.builder("ok", "ok").build());
    queue.await(j.id(), WAIT);
    await().until(() -> metrics.lastRecordedSequence() == queue.lastSequence());

    Timer t = registry.get("jobqueue.job.duration").tag("outcome", "completed").timer();
    assertThat(t.takeSnapshot().percentileValues())
        .extracting(v -> v.percentile())
        .containsExactly(0.5, 0.95);
  }

  @Test
  void closeStopsRecordingAndABinderCannotBeReused() throws Exception {
    queue = JobQueue.builder().workers(1).handler("ok", ctx -> Map.of()).build();
    metrics = new JobQueueMetrics(queue);
    metrics.bindTo(registry);
    metrics.close();
    Job j = queue.submit(JobRequest.builder("ok", "ok").build());
    queue.await(j.id(), WAIT);

    assertThat(registry.find("jobqueue.jobs.submitted").counters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void optionsAreChecked() {
    queue = JobQueue.builder().workers(0).build();
    assertThatThrownBy(() -> JobQueueMetrics.builder(queue).maxTypes(0))
        .hasMessage("maxTypes must be at least 1, got 0");
    assertThatThrownBy(() -> JobQueueMetrics.builder(queue).percentiles(1.5))
        .hasMessage("percentiles must be within 0..1, got 1.5");
  }

  private double jobs(String type, String status) {
    return gauge("jobqueue.jobs", Tags.of("type", type, "status", status));
  }

  private double gauge(String name, Tags tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String type, String outcome) {
    var search = registry.get(name).tag("type", type);
    if (outcome != null) {
      search = search.tag("outcome", outcome);
    }
    return search.counter().count();
  }

  private void assertTimer(String name, String type, String outcome, long count, long totalMs) {
    var search = registry.get(name).tag("type", type).tag("app", "test");
    if (outcome != null) {
      search = search.tag("outcome", outcome);
    }
    Timer t = search.timer();
    assertThat(t.count()).as(name + " " + type + " " + outcome + " count").isEqualTo(count);
    assertThat(t.totalTime(TimeUnit.MILLISECONDS))
        .as(name + " " + type + " " + outcome + " total ms")
        .isEqualTo((double) totalMs);
  }
}
