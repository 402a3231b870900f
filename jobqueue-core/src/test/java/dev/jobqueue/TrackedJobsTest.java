package dev.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seed's host-run lifecycle: create → start → progress → complete / fail. */
class TrackedJobsTest {
  private final RecordingListener events = new RecordingListener();
  private final JobQueue queue = JobQueue.builder().workers(0).build();
  private final JobTracker tracker = queue.tracker();

  {
    queue.subscribe(events);
  }

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void fullLifecycleProducesTheSameJobsAndEvents() throws Exception {
    Job j =
        tracker.create(
            JobRequest.builder("generate_thumbnail", "Generating preview for ab12...")
                .userId("u1")
                .build());
    assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(j.tracked()).isTrue();
    tracker.start(j.id());
    Job p = tracker.progress(j.id(), 2, 4, "rendering");
    assertThat(p.progress()).isEqualTo(0.5);
    assertThat(p.currentStep()).isEqualTo(2);
    assertThat(p.totalSteps()).isEqualTo(4);
    Job done = tracker.complete(j.id(), Map.of("preview_path", "/previews/ab12.png"));
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.result()).containsEntry("preview_path", "/previews/ab12.png");
    assertThat(queue.await(j.id(), Duration.ofSeconds(5))).isEqualTo(done);
    Awaits.await().until(() -> events.statusesOf(j.id()).size() == 3);
    assertThat(events.statusesOf(j.id()))
        .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
  }

  @Test
  void failRecordsTheError() {
    Job j = tracker.create(JobRequest.builder("t", "t").build());
    tracker.start(j.id());
    Job failed = tracker.fail(j.id(), "network error");
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error()).isEqualTo("network error");
    assertThatThrownBy(() -> tracker.fail(j.id(), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void illegalTrackedTransitionsAreSpecific() {
    Job j = tracker.create(JobRequest.builder("t", "t").build());
    assertThatThrownBy(() -> tracker.complete(j.id(), null))
        .isInstanceOf(IllegalJobTransitionException.class)
        .hasMessageContaining("from queued to completed");
    assertThatThrownBy(() -> tracker.progress(j.id(), 0.5, "x"))
        .isInstanceOf(JobStateException.class)
        .hasMessageContaining("queued");
    tracker.start(j.id());
    assertThatThrownBy(() -> tracker.start(j.id()))
        .isInstanceOf(IllegalJobTransitionException.class)
        .hasMessageContaining("from running to running");
    assertThatThrownBy(() -> tracker.progress(j.id(), Double.NaN, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(j.id());
    queue.cancel(j.id());
    assertThat(queue.get(j.id()).status()).isEqualTo(JobStatus.CANCELLED);
    assertThatThrownBy(() -> tracker.progress(j.id(), 0.6, "x"))
        .isInstanceOf(JobCancelledException.class)
        .hasMessageContaining(j.id());
    assertThatThrownBy(() -> tracker.complete(j.id(), Map.of()))
        .isInstanceOf(IllegalJobTransitionException.class)
        .hasMessageContaining("from cancelled to completed");
    assertThatThrownBy(() -> tracker.start("nope")).isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void managedJobsCannotBeDrivenByTheTracker() {
    try (JobQueue q = JobQueue.builder().workers(0).handler("m", ctx -> null).build()) {
      Job j = q.submit(JobRequest.builder("m", "managed").build());
      assertThatThrownBy(() -> q.tracker().start(j.id()))
          .isInstanceOf(JobStateException.class)
          .hasMessageContaining("tracker().create()");
    }
  }

  @Test
  void trackedJobsCannotBeRetriedByTheQueue() {
    Job j = tracker.create(JobRequest.builder("t", "t").build());
    tracker.start(j.id());
    tracker.fail(j.id(), "x");
    assertThatThrownBy(() -> queue.retry(j.id()))
        .isInstanceOf(JobStateException.class)
        .hasMessageContaining("tracked");
  }
}
