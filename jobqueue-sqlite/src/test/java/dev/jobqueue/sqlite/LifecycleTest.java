package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class LifecycleTest {
  @TempDir Path dir;

  /** Live writer threads of every store in this JVM (other test classes may have some open). */
  private static Set<Thread> writerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(SqliteJobStore.WRITER_THREAD_NAME) && t.isAlive())
        .collect(Collectors.toSet());
  }

  @Test
  void aCompletionCallbackMaySubmitTheNextJob() throws Exception {
    CountDownLatch callbackAttached = new CountDownLatch(1);
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"));
        JobQueue q =
            JobQueue.builder()
                .store(store)
                .workers(1)
                .handler(
                    "t",
                    ctx -> {
                      // the first job ends only after the callback is attached, so that the
                      // queue (not this test's thread, as for an ended job) runs the callback
                      if (Integer.valueOf(1).equals(ctx.input().get("n"))) {
                        callbackAttached.await();
                      }
                      return Map.of("n", ctx.input().get("n"));
                    })
                .build()) {
      Job first = q.submit(JobRequest.builder("t", "first").input(Map.of("n", 1)).build());
      // The end of a job is stored by the store's writer thread; a plain (not async) callback
      // that submits, and so waits for that writer, must not run on it.
      CompletableFuture<String> thread = new CompletableFuture<>();
      CompletableFuture<Job> firstEnded = q.completion(first.id());
      assertThat(firstEnded).isNotDone();
      CompletableFuture<Job> second =
          firstEnded.thenApply(
              done -> {
                thread.complete(Thread.currentThread().getName());
                return q.submit(JobRequest.builder("t", "second").input(Map.of("n", 2)).build());
              });
      callbackAttached.countDown();
      Job submitted = second.get(30, TimeUnit.SECONDS);
      assertThat(q.await(submitted.id(), java.time.Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      assertThat(thread.get()).startsWith("jobqueue-completion-");
    }
  }

  @Test
  void closeIsIdempotentStopsTheWriterAndRefusesLaterCalls() {
    Set<Thread> before = writerThreads();
    SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"));
    // this store's writer: the one that is new (stores of other tests come and go on their own)
    Set<Thread> mine = writerThreads();
    mine.removeAll(before);
    assertThat(mine).hasSize(1);
    Thread writer = mine.iterator().next();
    Job j = TestJobs.job("t").build();
    store.insert(j);
    store.close();
    store.close();
    assertThat(writer.isAlive()).as("close() ended (joined) the store's writer thread").isFalse();
    assertThatThrownBy(() -> store.get(j.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.insert(TestJobs.job("t").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.updateProgress(TestJobs.next(j, JobStatus.RUNNING), 1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.updateAsync(TestJobs.next(j, JobStatus.RUNNING), 1))
        .isCompletedExceptionally();
  }

  @Test
  void everyFieldSurvivesAReopenWithNanosecondTimestamps() {
    Path file = dir.resolve("jobs.db");
    Instant t = Instant.parse("2026-03-04T05:06:07.123456789Z");
    Job full =
        new Job.Builder()
            .id("full")
            .type("analyze")
            .status(JobStatus.FAILED)
            .createdAt(t)
            .startedAt(t.plusNanos(1))
            .completedAt(t.plusSeconds(3))
            .updatedAt(t.plusSeconds(4))
            .progress(0.5)
            .progressMessage("½ done ✓ \"q\"")
            .currentStep(2)
            .totalSteps(4)
            .title("Ünïcode title")
            .description("d")
            .parentJobId("p")
            .childJobIds(List.of("c1", "c2"))
            .result(
                Map.of(
                    "list",
                    List.of(1, "two", 3.5, true),
                    "big",
                    Long.MAX_VALUE,
                    "nested",
                    Map.of("x", Map.of())))
            .error("boom")
            .userId("alice")
            .cancelable(false)
            .priority(-4)
            .attempt(3)
            .maxAttempts(5)
            .dependsOn(List.of("d1"))
            .optional(true)
            .etaSeconds(0.25)
            .warnings(List.of("w"))
            .input(Map.of("k", "v"))
            .version(9)
            .runAt(Instant.parse("1970-01-01T00:00:00Z"))
            .owner("node")
            .leaseExpiresAt(Instant.parse("2262-01-01T00:00:00Z"))
            .cancelRequested(true)
            .tracked(true)
            .awaitingChildren(true)
            .build();
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insert(full);
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(store.get("full").orElseThrow()).isEqualTo(full);
    }
  }

  @Test
  void aTimestampOutsideTheStoredRangeIsRefusedWithoutHarm() {
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"))) {
      Job far = TestJobs.job("t").runAt(Instant.parse("3000-01-01T00:00:00Z")).build();
      assertThatThrownBy(() -> store.insert(far))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1677 to 2262");
      assertThat(store.get(far.id())).isEmpty();
      store.insert(TestJobs.job("t").build());
      assertThat(store.query(JobQuery.all())).hasSize(1);
    }
  }

  @Test
  void aFutureCallbackCallingTheStoreOnTheWriterThreadFailsInsteadOfDeadlocking() throws Exception {
    HoldingDataSource ds = new HoldingDataSource(dir.resolve("jobs.db"));
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      Job a = TestJobs.job("t").build();
      Job b = TestJobs.job("t").build();
      store.insert(a);
      store.insert(b);
      // The writer commits a's update only after the callback is attached, so the callback
      // certainly runs on the writer thread (attached to a completed future, it would run here).
      ds.hold();
      CompletableFuture<Boolean> write = store.updateAsync(TestJobs.next(a, JobStatus.RUNNING), 1);
      assertThat(ds.awaitHeld(30)).as("the writer reached the held commit").isTrue();
      assertThat(write).isNotDone();
      CompletableFuture<Boolean> chained =
          write.thenApply(ok -> store.update(TestJobs.next(b, JobStatus.RUNNING), 1));
      ds.release();
      assertThatThrownBy(() -> chained.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("thenApplyAsync");
      // the async form works
      CompletableFuture<Boolean> ok =
          store
              .updateAsync(TestJobs.next(b, JobStatus.RUNNING), 1)
              .thenApplyAsync(x -> store.get(b.id()).orElseThrow().status() == JobStatus.RUNNING);
      assertThat(ok.get(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aDataSourceWorksToo() {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + dir.resolve("ds.db"));
    Job j = TestJobs.job("t").build();
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      store.insert(j);
      assertThat(store.file()).contains("ds.db");
    }
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("ds.db"))) {
      assertThat(store.get(j.id())).contains(j);
    }
  }

  @Test
  void theNonDurableModeIsOffByDefaultAndWorksWhenAsked() {
    Job j = TestJobs.job("t").build();
    try (SqliteJobStore store =
        SqliteJobStore.builder(dir.resolve("fast.db"))
            .durability(SqliteJobStore.Durability.NOT_DURABLE_ON_POWER_LOSS)
            .build()) {
      store.insert(j);
    }
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("fast.db"))) {
      assertThat(store.get(j.id())).contains(j);
    }
  }
}
