package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DependencyTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> order = new CopyOnWriteArrayList<>();
  private final JobQueue queue =
      JobQueue.builder()
          .workers(2)
          .handler(
              "step",
              ctx -> {
                if (Boolean.TRUE.equals(ctx.input().get("wait"))) {
                  release.await();
                }
                if (Boolean.TRUE.equals(ctx.input().get("fail"))) {
                  throw new IllegalStateException("step broke");
                }
                order.add((String) ctx.input().get("name"));
                return Map.of();
              })
          .build();

  @AfterEach
  void close() {
    release.countDown();
    queue.close();
  }

  private Job step(String name, boolean wait, boolean fail, String... deps) {
    return queue.submit(
        JobRequest.builder("step", "Step " + name)
            .input(Map.of("name", name, "wait", wait, "fail", fail))
            .dependsOn(deps)
            .build());
  }

  @Test
  void dependentRunsOnlyAfterItsDependenciesCompleted() throws Exception {
    Job a = step("a", true, false);
    Job b = step("b", false, false, a.id());
    Job c = step("c", false, false, a.id(), b.id());
    await().until(() -> queue.get(a.id()).status() == JobStatus.RUNNING);
    assertThat(queue.get(b.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(queue.get(c.id()).status()).isEqualTo(JobStatus.QUEUED);
    release.countDown();
    assertThat(queue.await(c.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(order).containsExactly("a", "b", "c");
  }

  @Test
  void failedDependencyFailsTheDependentsNamingIt() throws Exception {
    Job a = step("a", false, true);
    Job b = step("b", false, false, a.id());
    Job c = step("c", false, false, b.id());
    Job bDone = queue.await(b.id(), Duration.ofSeconds(30));
    assertThat(bDone.status()).isEqualTo(JobStatus.FAILED);
    assertThat(bDone.error()).contains(a.id()).contains("Step a").contains("failed");
    Job cDone = queue.await(c.id(), Duration.ofSeconds(30));
    assertThat(cDone.error()).contains(b.id());
    assertThat(order).isEmpty();
    assertThatThrownBy(() -> queue.retry(b.id()))
        .isInstanceOf(JobStateException.class)
        .hasMessageContaining("retry " + a.id() + " first");
  }

  @Test
  void cancelledDependencyFailsTheDependent() throws Exception {
    Job a = step("a", true, false);
    Job b = step("b", false, false, a.id());
    queue.cancel(a.id());
    Job bDone = queue.await(b.id(), Duration.ofSeconds(30));
    assertThat(bDone.status()).isEqualTo(JobStatus.FAILED);
    assertThat(bDone.error()).contains("was cancelled");
  }

  @Test
  void dependingOnAnAlreadyFailedJobFailsAtOnce() throws Exception {
    Job a = queue.await(step("a", false, true).id(), Duration.ofSeconds(30));
    Job b = step("b", false, false, a.id());
    assertThat(b.status()).isEqualTo(JobStatus.FAILED);
    assertThat(b.error()).contains(a.id());
  }
}
