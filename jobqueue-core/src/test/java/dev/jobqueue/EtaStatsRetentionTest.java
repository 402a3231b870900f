package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EtaStatsRetentionTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

  @Test
  void etaFollowsTheProgressRateOfATrackedJob() {
    try (JobQueue q = JobQueue.builder().workers(0).clock(clock).build()) {
      JobTracker t = q.tracker();
      Job j = t.create(JobRequest.builder("render", "render").build());
      assertThat(j.etaSeconds()).as("no history yet").isNull();
      t.start(j.id());
      clock.advance(Duration.ofSeconds(10));
      Job quarter = t.progress(j.id(), 0.25, "a quarter");
      assertThat(quarter.etaSeconds()).isEqualTo(30.0);
      clock.advance(Duration.ofSeconds(10));
      assertThat(t.progress(j.id(), 0.5, "half").etaSeconds()).isEqualTo(20.0);
      clock.advance(Duration.ofSeconds(20));
      assertThat(t.complete(j.id(), null).etaSeconds()).isNull();
      // the next job of this type starts with the mean run time as its estimate
      Job next = t.create(JobRequest.builder("render", "render 2").build());
      assertThat(next.etaSeconds()).isEqualTo(40.0);
    }
  }

  @Test
  void statsCountAndMeasure() {
    try (JobQueue q = JobQueue.builder().workers(0).clock(clock).build()) {
      JobTracker t = q.tracker();
      for (int i = 1; i <= 4; i++) {
        Job j =
            t.create(
                JobRequest.builder("analyze", "a" + i)
                    .userId(i % 2 == 0 ? "bob" : "alice")
                    .build());
        clock.advance(Duration.ofSeconds(1)); // waited 1 s
        t.start(j.id());
        clock.advance(Duration.ofSeconds(i)); // ran i s
        if (i == 4) {
          t.fail(j.id(), "x");
        } else {
          t.complete(j.id(), null);
        }
      }
      t.create(JobRequest.builder("generate", "g").userId("alice").build());
      JobStats all = q.stats(null);
      assertThat(all.byStatus())
          .containsEntry(JobStatus.COMPLETED, 3L)
          .containsEntry(JobStatus.FAILED, 1L)
          .containsEntry(JobStatus.QUEUED, 1L)
          .containsEntry(JobStatus.RUNNING, 0L);
      assertThat(all.byType().get("analyze")).containsEntry(JobStatus.COMPLETED, 3L);
      assertThat(all.byType().get("generate")).containsEntry(JobStatus.QUEUED, 1L);
      assertThat(all.runSeconds().mean()).isEqualTo(2.5);
      assertThat(all.runSeconds().p50()).isEqualTo(2.0);
      assertThat(all.runSeconds().p95()).isEqualTo(4.0);
      assertThat(all.waitSeconds().mean()).isEqualTo(1.0);
      assertThat(all.sampleSize()).isEqualTo(4);
      assertThat(all.completedLastMinute()).isEqualTo(4);
      JobStats alice = q.stats("alice");
      assertThat(alice.byStatus())
          .containsEntry(JobStatus.COMPLETED, 2L)
          .containsEntry(JobStatus.QUEUED, 1L)
          .containsEntry(JobStatus.FAILED, 0L);
    }
  }

  @Test
  void retentionPurgesOldAndSurplusFinishedJobsAndTellsListeners() {
    RecordingListener events = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .workers(0)
            .clock(clock)
            .retention(new Retention(Duration.ofHours(24), 3, Duration.ofHours(1)))
            .build()) {
      q.subscribe(events);
      JobTracker t = q.tracker();
      Job old = finished(t, "old");
      clock.advance(Duration.ofHours(25));
      Job active = t.create(JobRequest.builder("x", "active").build());
      Job[] recent = new Job[4];
      for (int i = 0; i < 4; i++) {
        recent[i] = finished(t, "recent" + i);
        clock.advance(Duration.ofSeconds(1));
      }
      assertThat(q.cleanup()).isEqualTo(2);
      assertThat(q.find(old.id())).isEmpty();
      assertThat(q.find(recent[0].id())).isEmpty();
      assertThat(q.find(recent[1].id())).isPresent();
      assertThat(q.find(active.id())).isPresent();
      await()
          .until(
              () -> events.of(old.id()).stream().anyMatch(e -> e.kind() == JobEvent.Kind.DELETED));
      assertThat(q.cleanup()).isZero();
    }
  }

  private static Job finished(JobTracker t, String title) {
    Job j = t.create(JobRequest.builder("x", title).build());
    t.start(j.id());
    return t.complete(j.id(), Map.of());
  }

  @Test
  void builderRefusesBadOptions() {
    assertThatThrownBy(() -> JobQueue.builder().workers(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobQueue.builder().handler("a", c -> null).handler("a", c -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> JobQueue.builder().concurrency("nohandler", 2).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nohandler");
    assertThatThrownBy(() -> JobQueue.builder().rateLimit("x", 0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Retention(Duration.ZERO, 1, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), 0.5, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JobQueue.builder().reserveBatch(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                JobQueue.builder()
                    .handler("img", c -> null)
                    .concurrency("img", 1)
                    .reserveBatch(8)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserveBatch(8)")
        .hasMessageContaining("[img]");
  }

  @Test
  void statusParsingNamesTheAcceptedValues() {
    assertThat(JobStatus.fromWireName("Running")).isEqualTo(JobStatus.RUNNING);
    assertThatThrownBy(() -> JobStatus.fromWireName("done"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("done")
        .hasMessageContaining("queued, running, completed, failed, cancelled");
  }
}
