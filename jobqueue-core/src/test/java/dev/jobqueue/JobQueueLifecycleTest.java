package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobQueueLifecycleTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicInteger runs = new AtomicInteger();
  private final RecordingListener events = new RecordingListener();
  private final JobQueue queue =
      JobQueue.builder()
          .workers(2)
          .handler(
              "echo",
              ctx -> {
                runs.incrementAndGet();
                ctx.progress(1, 2, "half");
                return Map.of("echo", ctx.input().get("text"), "attempt", ctx.attempt());
              })
          .handler(
              "boom",
              ctx -> {
                throw new IllegalStateException("the analyzer broke on purpose");
              })
          .handler(
              "block",
              ctx -> {
                started.countDown();
                release.await();
                return Map.of("released", true);
              })
          .handler(
              "loop",
              ctx -> {
                started.countDown();
                while (!ctx.isCancelled()) {
                  Thread.onSpinWait();
                }
                return Map.of("returned", "normally"); // must still end cancelled
              })
          .build();

  {
    queue.subscribe(events);
  }

  @AfterEach
  void close() {
    release.countDown();
    queue.close();
  }

  private Job submit(String type) {
    return queue.submit(
        JobRequest.builder(type, "Test " + type).input(Map.of("text", "hi")).build());
  }

  @Test
  void managedJobRunsToCompletionWithResultAndEvents() throws Exception {
    Job job = submit("echo");
    // submit answers with the snapshot it stored, whatever the workers do meanwhile
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.version()).isEqualTo(1);
    Job done = queue.await(job.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.result()).containsEntry("echo", "hi").containsEntry("attempt", 1);
    assertThat(done.progress()).isEqualTo(1.0);
    assertThat(done.currentStep()).isEqualTo(1);
    assertThat(done.totalSteps()).isEqualTo(2);
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.completedAt()).isAfterOrEqualTo(done.startedAt());
    assertThat(done.attempt()).isEqualTo(1);
    await().until(() -> events.statusesOf(job.id()).size() == 3);
    assertThat(events.statusesOf(job.id()))
        .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
    List<JobEvent> all = events.of(job.id());
    assertThat(all.get(0).kind()).isEqualTo(JobEvent.Kind.CREATED);
    assertThat(all).extracting(e -> e.job().version()).isSorted().doesNotHaveDuplicates();
    assertThat(all).extracting(e -> e.job().progressMessage()).contains("half");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void handlerExceptionFailsTheJobWithItsMessage() throws Exception {
    Job job = submit("boom");
    Job done = queue.await(job.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.error()).isEqualTo("the analyzer broke on purpose");
    assertThat(done.completedAt()).isNotNull();
  }

  @Test
  void cancelOfAQueuedJobIsImmediate() {
    Job blocker = submit("block");
    Job blocker2 = submit("block");
    await()
        .until(
            () ->
                queue.get(blocker.id()).status() == JobStatus.RUNNING
                    && queue.get(blocker2.id()).status() == JobStatus.RUNNING);
    Job waiting = submit("echo");
    Job cancelled = queue.cancel(waiting.id());
    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.completedAt()).isNotNull();
    release.countDown();
    await().until(() -> queue.get(blocker2.id()).isTerminal());
    assertThat(queue.get(waiting.id()).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(runs.get()).isZero();
  }

  @Test
  void cancelOfARunningJobEndsCancelledEvenIfTheHandlerReturns() throws Exception {
    Job job = submit("loop");
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Job flagged = queue.cancel(job.id());
    // the handler spins until it sees the flag, so it cannot have ended before this answer
    assertThat(flagged.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(flagged.cancelRequested()).isTrue();
    Job done = queue.await(job.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(done.result()).isNull();
  }

  @Test
  void cancelInterruptsABlockedHandler() throws Exception {
    Job job = submit("block");
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    queue.cancel(job.id());
    assertThat(queue.await(job.id(), Duration.ofSeconds(30)).status())
        .isEqualTo(JobStatus.CANCELLED);
    // the worker is free again
    Job next = submit("echo");
    assertThat(queue.await(next.id(), Duration.ofSeconds(30)).status())
        .isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void illegalOperationsNameTheJobAndTheStates() throws Exception {
    Job done = queue.await(submit("echo").id(), Duration.ofSeconds(30));
    assertThatThrownBy(() -> queue.cancel(done.id()))
        .isInstanceOf(IllegalJobTransitionException.class)
        .hasMessageContaining(done.id())
        .hasMessageContaining("completed")
        .hasMessageContaining("cancelled");
    assertThatThrownBy(() -> queue.retry(done.id()))
        .isInstanceOf(IllegalJobTransitionException.class)
        .hasMessageContaining("from completed to queued");

    Job running = submit("block");
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> queue.retry(running.id()))
        .isInstanceOf(IllegalJobTransitionException.class)
        .hasMessageContaining("running");
    assertThatThrownBy(() -> queue.delete(running.id()))
        .isInstanceOf(JobStateException.class)
        .hasMessageContaining("running");

    Job fixed =
        queue.submit(JobRequest.builder("echo", "not cancelable").cancelable(false).build());
    queue.await(fixed.id(), Duration.ofSeconds(30));
    Job fixed2 =
        queue.submit(JobRequest.builder("block", "not cancelable").cancelable(false).build());
    assertThatThrownBy(() -> queue.cancel(fixed2.id()))
        .isInstanceOf(JobNotCancelableException.class)
        .hasMessageContaining(fixed2.id());

    assertThatThrownBy(() -> queue.get("missing-id"))
        .isInstanceOf(JobNotFoundException.class)
        .hasMessageContaining("missing-id");
    assertThatThrownBy(() -> queue.cancel("missing-id")).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> queue.retry("missing-id")).isInstanceOf(JobNotFoundException.class);
    assertThatThrownBy(() -> queue.delete("missing-id")).isInstanceOf(JobNotFoundException.class);
  }

  @Test
  void badRequestsAreRefusedWithSpecificMessages() {
    assertThatThrownBy(() -> JobRequest.builder(null, "t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> JobRequest.builder(" ", "t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type");
    assertThatThrownBy(() -> JobRequest.builder("echo", "").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("title");
    assertThatThrownBy(() -> JobRequest.builder("echo", "t").maxAttempts(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> queue.submit(JobRequest.builder("nope", "t").build()))
        .isInstanceOf(UnknownJobTypeException.class)
        .hasMessageContaining("nope")
        .hasMessageContaining("echo");
    assertThatThrownBy(() -> queue.submit(JobRequest.builder("echo", "t").parent("ghost").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(
            () -> queue.submit(JobRequest.builder("echo", "t").dependsOn("ghost").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ghost");
    assertThatThrownBy(
            () -> JobRequest.builder("echo", "t").input(Map.of("x", new Object())).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported value");
    assertThatThrownBy(() -> JobRequest.builder("echo", "t").input(Map.of("x", Double.NaN)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
  }

  @Test
  void badProgressIsRefused() throws Exception {
    AtomicInteger refused = new AtomicInteger();
    JobQueue q =
        JobQueue.builder()
            .workers(1)
            .handler(
                "p",
                ctx -> {
                  for (double bad :
                      new double[] {Double.NaN, -0.1, 1.5, Double.POSITIVE_INFINITY}) {
                    try {
                      ctx.progress(bad, "x");
                    } catch (IllegalArgumentException e) {
                      if (e.getMessage().contains(ctx.jobId())) {
                        refused.incrementAndGet();
                      }
                    }
                  }
                  try {
                    ctx.progress(3, 2, "x");
                  } catch (IllegalArgumentException e) {
                    refused.incrementAndGet();
                  }
                  try {
                    ctx.progress(0, 0, "x");
                  } catch (IllegalArgumentException e) {
                    refused.incrementAndGet();
                  }
                  return null;
                })
            .build();
    try {
      Job j = q.submit(JobRequest.builder("p", "progress").build());
      assertThat(q.await(j.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(refused.get()).isEqualTo(6);
    } finally {
      q.close();
    }
  }

  @Test
  void retryQueuesAFailedJobAgainWithTheNextAttempt() throws Exception {
    Job failed = queue.await(submit("boom").id(), Duration.ofSeconds(30));
    Job retried = queue.retry(failed.id());
    // retry answers with the snapshot it wrote, not whatever a worker made of it since
    assertThat(retried.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(retried.attempt()).isEqualTo(2);
    Job again = queue.await(failed.id(), Duration.ofSeconds(30));
    assertThat(again.status()).isEqualTo(JobStatus.FAILED);
    assertThat(again.attempt()).isEqualTo(2);
    await().until(() -> events.statusesOf(failed.id()).size() == 6);
    assertThat(events.statusesOf(failed.id()))
        .containsExactly(
            JobStatus.QUEUED,
            JobStatus.RUNNING,
            JobStatus.FAILED,
            JobStatus.QUEUED,
            JobStatus.RUNNING,
            JobStatus.FAILED);
  }

  @Test
  void deleteRemovesFinishedJobsAndTellsListeners() throws Exception {
    Job a = queue.await(submit("echo").id(), Duration.ofSeconds(30));
    Job b = queue.await(submit("echo").id(), Duration.ofSeconds(30));
    Job c = queue.await(submit("boom").id(), Duration.ofSeconds(30));
    queue.delete(a.id());
    assertThat(queue.find(a.id())).isEmpty();
    await()
        .until(() -> events.of(a.id()).stream().anyMatch(e -> e.kind() == JobEvent.Kind.DELETED));
    assertThat(queue.deleteAll(JobStatus.COMPLETED, null)).isEqualTo(1);
    assertThat(queue.find(b.id())).isEmpty();
    assertThat(queue.find(c.id())).isPresent();
    assertThatThrownBy(() -> queue.deleteAll(JobStatus.RUNNING, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void awaitTimesOutWhileTheJobKeepsRunning() throws Exception {
    Job job = submit("block");
    assertThatThrownBy(() -> queue.await(job.id(), Duration.ofMillis(50)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining(job.id());
    release.countDown();
    assertThat(queue.completion(job.id()).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(JobStatus.COMPLETED);
    assertThat(queue.completion(job.id()).isDone()).as("already ended").isTrue();
  }

  @Test
  void submitAllStoresABatchAndRunsIt() throws Exception {
    Job first = submit("echo");
    List<Job> jobs =
        queue.submitAll(
            List.of(
                JobRequest.builder("echo", "batch 1").input(Map.of("text", "a")).build(),
                JobRequest.builder("echo", "batch 2")
                    .dependsOn(first.id())
                    .input(Map.of("text", "b"))
                    .build(),
                JobRequest.builder("echo", "batch 3").input(Map.of("text", "c")).build()));
    assertThat(jobs).extracting(Job::title).containsExactly("batch 1", "batch 2", "batch 3");
    assertThat(jobs.get(1).dependsOn()).containsExactly(first.id());
    for (Job j : jobs) {
      assertThat(queue.await(j.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
    assertThatThrownBy(
            () ->
                queue.submitAll(
                    List.of(
                        JobRequest.builder("echo", "ok").build(),
                        JobRequest.builder("nope", "bad").build())))
        .isInstanceOf(UnknownJobTypeException.class);
    assertThat(queue.list(JobQuery.builder().text("ok").build())).as("nothing stored").isEmpty();
  }

  @Test
  void listFiltersNewestFirst() throws Exception {
    Job a = queue.await(submit("echo").id(), Duration.ofSeconds(30));
    Job b = queue.await(submit("boom").id(), Duration.ofSeconds(30));
    assertThat(queue.list(JobQuery.builder().build()))
        .extracting(Job::id)
        .containsExactly(b.id(), a.id());
    assertThat(queue.list(JobQuery.builder().status(JobStatus.FAILED).build()))
        .extracting(Job::id)
        .containsExactly(b.id());
    assertThat(queue.list(JobQuery.builder().text("test ECHO").build()))
        .extracting(Job::id)
        .containsExactly(a.id());
  }
}
