package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Awaits;
import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads' changes share commits, every caller gets its answer, and all of it is on disk. */
class GroupCommitTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 200;

  @TempDir Path dir;
  private final AtomicInteger poolThreads = new AtomicInteger();
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          THREADS, r -> new Thread(r, "group-commit-test-" + poolThreads.incrementAndGet()));

  /** Pool threads that wait (past the start latch, that is in a store call held by the writer). */
  private static long blockedWorkers() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().startsWith("group-commit-test-"))
        .filter(e -> e.getKey().getState() == Thread.State.WAITING)
        .filter(
            e ->
                java.util.Arrays.stream(e.getValue())
                    .anyMatch(f -> f.getClassName().equals(SqliteJobStore.class.getName())))
        .count();
  }

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void asyncUpdatesFromManyThreadsAllCompleteAndAreBatched() throws Exception {
    Path file = dir.resolve("jobs.db");
    HoldingDataSource ds = new HoldingDataSource(file);
    Job trigger = TestJobs.job("t").build();
    List<List<Job>> perThread = new ArrayList<>();
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      for (int t = 0; t < THREADS; t++) {
        List<Job> mine = new ArrayList<>();
        for (int i = 0; i < PER_THREAD; i++) {
          Job j = TestJobs.job("t").input(Map.of("thread", t, "i", i)).build();
          store.insert(j);
          mine.add(j);
        }
        perThread.add(mine);
      }
      // The writer is held in a commit while every thread queues its changes, so they certainly
      // wait together (how many a free writer would batch depends on how the threads are run).
      store.insert(trigger);
      SqliteJobStore.WriteStats before = store.writeStats();
      ds.hold();
      CompletableFuture<Boolean> held =
          store.updateAsync(TestJobs.next(trigger, JobStatus.RUNNING), 1);
      assertThat(ds.awaitHeld(30)).isTrue();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<CompletableFuture<Boolean>>>> submitted = new ArrayList<>();
      for (List<Job> mine : perThread) {
        submitted.add(
            pool.submit(
                () -> {
                  start.await();
                  List<CompletableFuture<Boolean>> fs = new ArrayList<>();
                  for (Job j : mine) {
                    fs.add(
                        store.updateAsync(
                            TestJobs.next(j, JobStatus.COMPLETED).toBuilder()
                                .result(Map.of("id", j.id()))
                                .build(),
                            1));
                  }
                  return fs;
                }));
      }
      start.countDown();
      List<CompletableFuture<Boolean>> all = new ArrayList<>();
      for (Future<List<CompletableFuture<Boolean>>> f : submitted) {
        all.addAll(f.get(60, TimeUnit.SECONDS)); // every change is queued
      }
      ds.release();
      assertThat(held.get(60, TimeUnit.SECONDS)).isTrue();
      int completed = 0;
      for (CompletableFuture<Boolean> cf : all) {
        assertThat(cf.get(60, TimeUnit.SECONDS)).isTrue();
        completed++;
      }
      assertThat(completed).isEqualTo(THREADS * PER_THREAD);
      SqliteJobStore.WriteStats after = store.writeStats();
      long changes = after.changes() - before.changes();
      long commits = after.commits() - before.commits();
      assertThat(changes).isEqualTo(1 + THREADS * PER_THREAD);
      assertThat(commits)
          .as("group commit: %d changes in %d commits", changes, commits)
          .isLessThan(changes / 4);
    }
    // everything survived the close: reopen and check every job
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      List<Job> all =
          store.query(JobQuery.all()).stream().filter(j -> !j.id().equals(trigger.id())).toList();
      assertThat(all).hasSize(THREADS * PER_THREAD);
      for (Job j : all) {
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.version()).isEqualTo(2);
        assertThat(j.result()).containsEntry("id", j.id());
      }
    }
  }

  @Test
  void synchronousUpdatesFromManyThreadsLoseNothing() throws Exception {
    Path file = dir.resolve("jobs.db");
    HoldingDataSource ds = new HoldingDataSource(file);
    List<Job> jobs = new ArrayList<>();
    try (SqliteJobStore store = SqliteJobStore.builder(ds).build()) {
      for (int t = 0; t < THREADS; t++) {
        Job j = TestJobs.job("t").result(Map.of("n", 0)).build();
        store.insert(j);
        jobs.add(j);
      }
      // The writer is held in a commit until every thread waits in its first update, so those
      // eight certainly share a commit (a free writer might meet the threads one at a time).
      Job trigger = TestJobs.job("t").build();
      store.insert(trigger);
      ds.hold();
      CompletableFuture<Boolean> held =
          store.updateAsync(TestJobs.next(trigger, JobStatus.RUNNING), 1);
      assertThat(ds.awaitHeld(30)).isTrue();
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (Job j : jobs) {
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  Job cur = j;
                  for (int i = 1; i <= PER_THREAD; i++) {
                    Job nx =
                        cur.toBuilder().version(cur.version() + 1).result(Map.of("n", i)).build();
                    assertThat(store.update(nx, cur.version())).isTrue();
                    cur = nx;
                  }
                  return null;
                }));
      }
      start.countDown();
      Awaits.await().until(() -> blockedWorkers() == THREADS);
      ds.release();
      assertThat(held.get(60, TimeUnit.SECONDS)).isTrue();
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
      SqliteJobStore.WriteStats stats = store.writeStats();
      assertThat(stats.commits()).as("%s", stats).isLessThan(stats.changes());
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      for (Job j : jobs) {
        Job end = store.get(j.id()).orElseThrow();
        assertThat(end.version()).isEqualTo(1 + PER_THREAD);
        assertThat(((Number) end.result().get("n")).intValue()).isEqualTo(PER_THREAD);
      }
    }
  }

  @Test
  void concurrentInsertsAreAllStoredAndDuplicatesAnswerOnlyTheirCaller() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      Job dup = TestJobs.job("t").build();
      store.insert(dup);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> fs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  int duplicates = 0;
                  for (int i = 0; i < PER_THREAD; i++) {
                    store.insert(TestJobs.job("t").build());
                    if (i % 50 == 0) {
                      try {
                        store.insert(dup); // fails alone; the batch it shares goes on
                      } catch (dev.jobqueue.spi.DuplicateJobException e) {
                        duplicates++;
                      }
                    }
                  }
                  return duplicates;
                }));
      }
      start.countDown();
      for (Future<Integer> f : fs) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(PER_THREAD / 50);
      }
      assertThat(store.query(JobQuery.all())).hasSize(1 + THREADS * PER_THREAD);
    }
  }
}
