package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParentChildTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final RecordingListener events = new RecordingListener();
  private final JobQueue queue =
      JobQueue.builder()
          .workers(3)
          .handler(
              "comprehensive",
              ctx -> {
                @SuppressWarnings("unchecked")
                List<String> analyses = (List<String>) ctx.input().get("analyses");
                for (String a : analyses) {
                  boolean optional = a.startsWith("thumb");
                  ctx.spawn(
                      JobRequest.builder(
                              a.startsWith("fail") ? "fail" : "analyze", "Analyzing " + a)
                          .optional(optional)
                          .input(Map.of("name", a))
                          .build());
                }
                return Map.of("spawned", analyses.size());
              })
          .handler(
              "analyze",
              ctx -> {
                ctx.progress(0.5, "half");
                if (ctx.input().get("name").equals("slow")) {
                  release.await();
                }
                return Map.of("name", ctx.input().get("name"));
              })
          .handler(
              "fail",
              ctx -> {
                throw new IllegalStateException("cannot analyze " + ctx.input().get("name"));
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

  private Job comprehensive(String... analyses) {
    return queue.submit(
        JobRequest.builder("comprehensive", "Comprehensive analysis")
            .userId("alice")
            .input(Map.of("analyses", List.of(analyses)))
            .build());
  }

  @Test
  void parentCompletesAfterAllChildrenWithDerivedProgress() throws Exception {
    Job parent = comprehensive("colors", "light", "edges", "sharpness", "composition", "metadata");
    Job done = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.childJobIds()).hasSize(6);
    assertThat(done.progress()).isEqualTo(1.0);
    assertThat(done.progressMessage()).isEqualTo("6/6 tasks done");
    assertThat(done.result()).containsEntry("spawned", 6);
    for (String id : done.childJobIds()) {
      Job child = queue.get(id);
      assertThat(child.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(child.parentJobId()).isEqualTo(parent.id());
      assertThat(child.userId()).as("inherits the user").isEqualTo("alice");
      assertThat(child.completedAt()).isBeforeOrEqualTo(done.completedAt());
    }
    await().until(() -> events.statusesOf(parent.id()).contains(JobStatus.COMPLETED));
    assertThat(events.of(parent.id()))
        .extracting(e -> e.job().progressMessage())
        .filteredOn(m -> m != null && m.endsWith("tasks done"))
        .isNotEmpty();
  }

  @Test
  void parentWaitsForASlowChildAndShowsNofM() throws Exception {
    Job parent = comprehensive("colors", "slow", "edges");
    await().until(() -> "2/3 tasks done".equals(queue.get(parent.id()).progressMessage()));
    Job waiting = queue.get(parent.id());
    assertThat(waiting.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(waiting.progress()).isGreaterThan(0.66).isLessThan(1.0);
    release.countDown();
    assertThat(queue.await(parent.id(), Duration.ofSeconds(30)).status())
        .isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void failedOptionalChildOnlyWarns() throws Exception {
    Job parent =
        queue.submit(
            JobRequest.builder("comprehensive", "with thumbnail")
                .input(Map.of("analyses", List.of("colors")))
                .build());
    queue.await(parent.id(), Duration.ofSeconds(30));
    // a tracked parent announcing its one analysis, with an optional failing child as the seed's
    // thumbnails (not announced: the seed's total_steps counts the analyses)
    JobTracker t = queue.tracker();
    Job tracked =
        t.create(
            JobRequest.builder("comprehensive_analyze", "tracked parent").totalSteps(1).build());
    // the preview first: once its one announced analysis has ended, the parent takes no children
    Job thumb =
        queue.submit(
            JobRequest.builder("fail", "Generating preview")
                .optional(true)
                .parent(tracked.id())
                .input(Map.of("name", "thumb"))
                .build());
    Job ok =
        queue.submit(
            JobRequest.builder("analyze", "ok")
                .parent(tracked.id())
                .input(Map.of("name", "x"))
                .build());
    Job done = queue.await(tracked.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.warnings())
        .singleElement()
        .asString()
        .contains("Generating preview")
        .contains(thumb.id())
        .contains("cannot analyze thumb");
    assertThat(done.result())
        .containsEntry("children_completed", 1)
        .containsEntry("children_failed", 1);
    assertThat(queue.get(ok.id()).status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void failedRequiredChildFailsTheParentNamingIt() throws Exception {
    Job parent = comprehensive("colors", "fail-light", "edges");
    Job done = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.FAILED);
    assertThat(done.error()).contains("Analyzing fail-light").contains("cannot analyze fail-light");
    long completedChildren =
        done.childJobIds().stream()
            .filter(id -> queue.get(id).status() == JobStatus.COMPLETED)
            .count();
    assertThat(completedChildren).as("other children still ran").isEqualTo(2);
  }

  @Test
  void cancellingAParentCancelsItsActiveChildren() throws Exception {
    Job parent = comprehensive("slow", "slow");
    await()
        .until(
            () ->
                queue.get(parent.id()).childJobIds().size() == 2
                    && queue.get(parent.id()).childJobIds().stream()
                        .allMatch(id -> queue.get(id).status() == JobStatus.RUNNING));
    queue.cancel(parent.id());
    Job done = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.CANCELLED);
    for (String id : done.childJobIds()) {
      assertThat(queue.await(id, Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.CANCELLED);
    }
  }

  @Test
  void trackedParentStartsWithItsFirstChildAndEndsWithItsLast() throws Exception {
    JobTracker t = queue.tracker();
    Job parent =
        t.create(
            JobRequest.builder("comprehensive_analyze", "Comprehensive analysis")
                .totalSteps(3)
                .build());
    List<Job> children = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      children.add(
          t.create(JobRequest.builder("thumbnail", "thumb " + i).parent(parent.id()).build()));
    }
    assertThat(queue.get(parent.id()).status()).isEqualTo(JobStatus.QUEUED);
    t.start(children.get(0).id());
    await().until(() -> queue.get(parent.id()).status() == JobStatus.RUNNING);
    for (Job c : children) {
      if (c != children.get(0)) {
        t.start(c.id());
      }
      t.progress(c.id(), 0.5, "rendering");
      t.complete(c.id(), Map.of("preview_path", "/p/" + c.id()));
    }
    // the rollup runs a moment after each child's end, so only the final message is certain
    Job done = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.progressMessage()).isEqualTo("3/3 tasks done");
  }

  @Test
  void trackedParentWaitsForEveryAnnouncedChild() throws Exception {
    JobTracker t = queue.tracker();
    Job parent =
        t.create(
            JobRequest.builder("comprehensive_analyze", "Comprehensive analysis")
                .totalSteps(2)
                .build());
    Job first = t.create(JobRequest.builder("analyze", "first").parent(parent.id()).build());
    t.start(first.id());
    t.complete(first.id(), null);
    await().until(() -> "1/2 tasks done".equals(queue.get(parent.id()).progressMessage()));
    assertThat(queue.get(parent.id()).status()).isEqualTo(JobStatus.RUNNING);
    assertThat(queue.get(parent.id()).progress()).isEqualTo(0.5);
    Job second = t.create(JobRequest.builder("analyze", "second").parent(parent.id()).build());
    t.start(second.id());
    t.complete(second.id(), null);
    assertThat(queue.await(parent.id(), Duration.ofSeconds(30)).progressMessage())
        .isEqualTo("2/2 tasks done");
  }

  @Test
  void optionalChildrenDoNotCountAsAnnouncedOnes() throws Exception {
    // the seed's comprehensive analysis: 2 analyses announced, each with an optional preview
    JobTracker t = queue.tracker();
    Job parent =
        t.create(
            JobRequest.builder("comprehensive_analyze", "Comprehensive analysis")
                .totalSteps(2)
                .build());
    Job first = t.create(JobRequest.builder("analyze", "first").parent(parent.id()).build());
    Job preview =
        t.create(
            JobRequest.builder("thumbnail", "preview").parent(parent.id()).optional(true).build());
    for (Job c : List.of(first, preview)) {
      t.start(c.id());
      t.complete(c.id(), null);
    }
    await().until(() -> "1/2 tasks done".equals(queue.get(parent.id()).progressMessage()));
    assertThat(queue.get(parent.id()).status())
        .as("two children exist, but only one of the two announced")
        .isEqualTo(JobStatus.RUNNING);
    Job second = t.create(JobRequest.builder("analyze", "second").parent(parent.id()).build());
    t.start(second.id());
    t.complete(second.id(), null);
    Job done = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.progressMessage()).isEqualTo("2/2 tasks done");
  }

  @Test
  void parentProgressNeverGoesBackwardsWhenItsHandlerReturns() throws Exception {
    CountDownLatch childGate = new CountDownLatch(1);
    RecordingListener l = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .workers(2)
            .handler(
                "parent",
                ctx -> {
                  ctx.progress(1.0, "own work done");
                  ctx.spawn(JobRequest.builder("child", "child").build());
                  return Map.of();
                })
            .handler(
                "child",
                ctx -> {
                  childGate.await();
                  return Map.of();
                })
            .build()) {
      q.subscribe(l);
      Job p = q.submit(JobRequest.builder("parent", "parent").build());
      await().until(() -> q.get(p.id()).awaitingChildren());
      childGate.countDown();
      assertThat(q.await(p.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
      await().until(() -> l.statusesOf(p.id()).contains(JobStatus.COMPLETED));
      List<Double> progress = l.of(p.id()).stream().map(e -> e.job().progress()).toList();
      for (int i = 1; i < progress.size(); i++) {
        assertThat(progress.get(i))
            .as("progress %s", progress)
            .isGreaterThanOrEqualTo(progress.get(i - 1));
      }
    }
  }

  @Test
  void childOfAnEndedParentIsRefused() throws Exception {
    Job parent = queue.await(comprehensive("colors").id(), Duration.ofSeconds(30));
    assertThatThrownBy(
            () -> queue.submit(JobRequest.builder("analyze", "late").parent(parent.id()).build()))
        .isInstanceOf(JobStateException.class)
        .hasMessageContaining(parent.id())
        .hasMessageContaining("completed");
  }

  @Test
  void childMustBelongToItsParentsUser() {
    Job parent = queue.tracker().create(JobRequest.builder("p", "parent").userId("alice").build());
    assertThatThrownBy(
            () ->
                queue.submit(
                    JobRequest.builder("analyze", "x").parent(parent.id()).userId("bob").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");
  }

  @Test
  void retryOfAFailedParentRunsItsHandlerAgain() throws Exception {
    Job parent = comprehensive("fail-x");
    Job failed = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    Job retried = queue.retry(parent.id());
    assertThat(retried.childJobIds()).isEmpty();
    assertThat(retried.attempt()).isEqualTo(2);
    Job again = queue.await(parent.id(), Duration.ofSeconds(30));
    assertThat(again.status()).isEqualTo(JobStatus.FAILED);
    assertThat(again.childJobIds()).hasSize(1).doesNotContainAnyElementsOf(failed.childJobIds());
    assertThat(again.startedAt()).isAfterOrEqualTo(failed.completedAt());
  }
}
