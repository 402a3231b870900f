package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * updateProgress: visible at once, compare-and-set against what the store knows, written coalesced.
 */
class ProgressCoalescingTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private static Job progress(Job j, int i, int of) {
    return j.toBuilder()
        .version(j.version() + 1)
        .progress((double) i / of)
        .progressMessage(i + "/" + of)
        .currentStep(i)
        .totalSteps(of)
        .build();
  }

  /** The progress column as committed in the file, read with a connection of our own. */
  private static double committedProgress(Path file, String id) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        PreparedStatement ps = c.prepareStatement("SELECT progress FROM jobs WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    }
  }

  @Test
  void manyProgressUpdatesCostFewCommitsAndReachTheFileSoon() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store =
        SqliteJobStore.builder(file).progressFlushInterval(Duration.ofMillis(100)).build()) {
      Job j = TestJobs.job("t").build();
      store.insert(j);
      Job running = TestJobs.next(j, JobStatus.RUNNING);
      assertThat(store.update(running, 1)).isTrue();
      long commitsBefore = store.writeStats().commits();
      long start = System.nanoTime();
      Job p = running;
      int n = 2_000;
      for (int i = 1; i <= n; i++) {
        Job np = progress(p, i, n);
        assertThat(store.updateProgress(np, p.version())).isTrue();
        p = np;
        assertThat(store.get(j.id()).orElseThrow().progress()).isEqualTo((double) i / n);
      }
      long elapsedMs = (System.nanoTime() - start) / 1_000_000;
      long commits = store.writeStats().commits() - commitsBefore;
      // at most one flush per interval, plus one in flight
      assertThat(commits)
          .as("%d commits for %d progress updates in %d ms", commits, n, elapsedMs)
          .isLessThanOrEqualTo(elapsedMs / 100 + 2);
      Job last = p;
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(committedProgress(file, j.id())).isEqualTo(1.0));
      assertThat(store.get(j.id()).orElseThrow()).isEqualTo(last);
    }
  }

  @Test
  void pendingProgressIsWrittenOnClose() throws Exception {
    Path file = dir.resolve("jobs.db");
    Job last;
    try (SqliteJobStore store =
        SqliteJobStore.builder(file).progressFlushInterval(Duration.ofSeconds(60)).build()) {
      Job j = TestJobs.job("t").build();
      store.insert(j);
      Job running = TestJobs.next(j, JobStatus.RUNNING);
      store.update(running, 1);
      last = progress(running, 3, 4);
      assertThat(store.updateProgress(last, running.version())).isTrue();
      assertThat(committedProgress(file, j.id())).as("not written yet").isZero();
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(store.get(last.id()).orElseThrow()).isEqualTo(last);
    }
  }

  @Test
  void aStatusChangeAfterProgressBuildsOnItAndStaleProgressIsRefused() throws Exception {
    Path file = dir.resolve("jobs.db");
    try (SqliteJobStore store =
        SqliteJobStore.builder(file).progressFlushInterval(Duration.ofSeconds(60)).build()) {
      Job j = TestJobs.job("t").build();
      store.insert(j);
      Job running = TestJobs.next(j, JobStatus.RUNNING);
      store.update(running, 1);
      Job p = progress(running, 1, 2);
      assertThat(store.updateProgress(p, running.version())).isTrue();
      assertThat(store.update(TestJobs.next(running, JobStatus.COMPLETED), running.version()))
          .as("the store knows the progress version, not the row's")
          .isFalse();
      Job done = TestJobs.next(p, JobStatus.COMPLETED);
      assertThat(store.update(done, p.version())).isTrue();
      assertThat(store.updateProgress(progress(p, 2, 2), p.version())).isFalse();
      assertThat(store.get(j.id()).orElseThrow()).isEqualTo(done);
      assertThat(store.updateProgress(progress(done, 1, 1), done.version()))
          .as("CAS only: the store does not judge statuses")
          .isTrue();
      assertThat(store.delete(j.id(), done.version())).isFalse();
      assertThat(store.delete(j.id(), done.version() + 1)).isTrue();
      assertThat(store.updateProgress(progress(done, 1, 1), done.version() + 1)).isFalse();
      assertThat(store.get(j.id())).isEmpty();
      assertThat(store.updateProgress(progress(TestJobs.job("t").build(), 1, 1), 1))
          .as("unknown job")
          .isFalse();
    }
  }

  @Test
  void progressRacingAStatusChangeNeverBothWin() throws Exception {
    Path file = dir.resolve("jobs.db");
    int rounds = 200;
    try (SqliteJobStore store =
        SqliteJobStore.builder(file).progressFlushInterval(Duration.ofMillis(10)).build()) {
      for (int r = 0; r < rounds; r++) {
        Job j = TestJobs.job("t").build();
        store.insert(j);
        Job running = TestJobs.next(j, JobStatus.RUNNING);
        store.update(running, 1);
        Job cancelled = TestJobs.next(running, JobStatus.CANCELLED);
        Job progressed = progress(running, 1, 2);
        CountDownLatch go = new CountDownLatch(1);
        Future<Boolean> a =
            pool.submit(
                () -> {
                  go.await();
                  return store.update(cancelled, running.version());
                });
        Future<Boolean> b =
            pool.submit(
                () -> {
                  go.await();
                  return store.updateProgress(progressed, running.version());
                });
        go.countDown();
        boolean cancelWon = a.get(30, TimeUnit.SECONDS);
        boolean progressWon = b.get(30, TimeUnit.SECONDS);
        assertThat(cancelWon ^ progressWon).as("round %d: exactly one wins", r).isTrue();
        assertThat(store.get(j.id()).orElseThrow()).isEqualTo(cancelWon ? cancelled : progressed);
      }
    }
  }
}
