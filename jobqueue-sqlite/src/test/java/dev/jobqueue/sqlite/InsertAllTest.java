package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.DuplicateJobException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** insertAll: one change, one commit, all or none, durable. */
class InsertAllTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  private static List<Job> jobs(int n) {
    List<Job> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TestJobs.job("t").input(Map.of("i", i)).priority(i % 3).build());
    }
    return out;
  }

  private static long count(SqliteJobStore store) {
    return store.query(JobQuery.builder().limit(JobQuery.MAX_LIMIT).build()).size();
  }

  @Test
  void aBatchIsOneCommitAndSurvivesAReopen() {
    Path file = dir.resolve("jobs.db");
    List<Job> batch = jobs(300);
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      SqliteJobStore.WriteStats before = store.writeStats();
      store.insertAll(batch);
      SqliteJobStore.WriteStats after = store.writeStats();
      assertThat(after.commits() - before.commits()).isEqualTo(1);
      assertThat(after.changes() - before.changes()).isEqualTo(300);
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      for (Job j : batch) {
        assertThat(store.get(j.id())).contains(j);
      }
      // reservation order is priority, then insertion order within the batch
      List<Job> claimed =
          store.reserve(
              new ClaimRequest(
                  Set.of("t"), Instant.now(), "me", Instant.now().plusSeconds(60), 300));
      assertThat(claimed).hasSize(300);
      assertThat(claimed.get(0).id()).isEqualTo(batch.get(2).id());
      assertThat(claimed.get(1).id()).isEqualTo(batch.get(5).id());
    }
  }

  @Test
  void anExistingIdStoresNoneOfTheBatch() {
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"))) {
      Job existing = TestJobs.job("t").build();
      store.insert(existing);
      List<Job> batch = new ArrayList<>(jobs(50));
      batch.add(25, existing.toBuilder().title("dup").build());
      assertThatThrownBy(() -> store.insertAll(batch))
          .isInstanceOf(DuplicateJobException.class)
          .hasMessageContaining(existing.id());
      assertThat(count(store)).isEqualTo(1);
      assertThat(store.get(existing.id()).orElseThrow().title()).isEqualTo(existing.title());
      for (Job j : batch) {
        if (j != batch.get(25)) {
          assertThat(store.get(j.id())).isEmpty();
        }
      }
      // the store goes on working, and the same jobs without the duplicate go in
      batch.remove(25);
      store.insertAll(batch);
      assertThat(count(store)).isEqualTo(51);
    }
  }

  @Test
  void anIdTwiceInTheListStoresNone() {
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"))) {
      List<Job> batch = new ArrayList<>(jobs(10));
      batch.add(batch.get(3).toBuilder().title("again").build());
      assertThatThrownBy(() -> store.insertAll(batch)).isInstanceOf(DuplicateJobException.class);
      assertThat(count(store)).isZero();
    }
  }

  @Test
  void anEmptyListChangesNothing() {
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"))) {
      SqliteJobStore.WriteStats before = store.writeStats();
      store.insertAll(List.of());
      assertThat(store.writeStats()).isEqualTo(before);
    }
  }

  /**
   * Batches from many threads share commits with other changes; a batch with a duplicate fails
   * alone and leaves nothing behind, while the good batches committed with it are all stored.
   */
  @Test
  void aFailingBatchDoesNotDisturbTheChangesCommittedWithIt() throws Exception {
    Path file = dir.resolve("jobs.db");
    List<Job> taken = jobs(20);
    List<List<Job>> good = new ArrayList<>();
    List<List<Job>> bad = new ArrayList<>();
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      store.insertAll(taken);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        List<List<Job>> mineGood = new ArrayList<>();
        List<List<Job>> mineBad = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          List<Job> b = new ArrayList<>(jobs(5));
          if (i % 4 == 0) {
            b.add(2, taken.get((t + i) % taken.size()));
            mineBad.add(b);
          } else {
            mineGood.add(b);
          }
        }
        good.addAll(mineGood);
        bad.addAll(mineBad);
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 20; i++) {
                    List<Job> b = i % 4 == 0 ? mineBad.get(i / 4) : mineGood.get(i - i / 4 - 1);
                    if (i % 4 == 0) {
                      assertThatThrownBy(() -> store.insertAll(b))
                          .isInstanceOf(DuplicateJobException.class);
                    } else {
                      store.insertAll(b);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      assertThat(count(store)).isEqualTo(taken.size() + good.size() * 5L);
      for (List<Job> b : good) {
        for (Job j : b) {
          assertThat(store.get(j.id())).contains(j);
        }
      }
      for (List<Job> b : bad) {
        for (Job j : b) {
          if (!taken.contains(j)) {
            assertThat(store.get(j.id())).isEmpty();
          }
        }
      }
      for (Job j : taken) {
        assertThat(store.get(j.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
      }
    }
  }
}
