package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ClaimRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer remembers the snapshots it wrote so that reservations and purges need not decode rows
 * it just wrote; whatever it returns must still be exactly the stored row, after any change.
 */
class WriterSnapshotsTest {
  @TempDir Path dir;

  private static ClaimRequest claimAll() {
    Instant now = Instant.now();
    return new ClaimRequest(Set.of("t"), now, "me", now.plusSeconds(60), 100);
  }

  /** Starts a reserved job as a queue does. */
  private static Job start(SqliteJobStore store, Job queued) {
    Job running = TestJobs.next(queued, JobStatus.RUNNING);
    assertThat(store.update(running, queued.version())).isTrue();
    return running;
  }

  @Test
  void aReservationSeesChangesMadeAfterTheInsert() {
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"))) {
      Job a = TestJobs.job("t").build();
      Job b = TestJobs.job("t").build();
      store.insertAll(List.of(a, b));
      Job a2 = a.toBuilder().version(2).title("renamed").input(Map.of("k", "v")).build();
      assertThat(store.update(a2, 1)).isTrue();
      // b is cancelled and retried: queued again at version 3 with an error from attempt 1
      Job b2 = TestJobs.next(b, JobStatus.CANCELLED);
      assertThat(store.update(b2, 1)).isTrue();
      Job b3 =
          b2.toBuilder()
              .status(JobStatus.QUEUED)
              .version(3)
              .attempt(2)
              .error("boom")
              .completedAt(null)
              .build();
      assertThat(store.update(b3, 2)).isTrue();

      List<Job> claimed = store.reserve(claimAll());
      assertThat(claimed).hasSize(2);
      assertThat(claimed.get(0).title()).isEqualTo("renamed");
      assertThat(claimed.get(0).input()).isEqualTo(Map.of("k", "v"));
      assertThat(claimed.get(0).version()).isEqualTo(2);
      assertThat(claimed.get(1).error()).isEqualTo("boom");
      assertThat(claimed.get(1).attempt()).isEqualTo(2);
      assertThat(claimed.get(1).version()).isEqualTo(3);
      for (Job c : claimed) {
        assertThat(store.get(c.id())).contains(c);
      }
    }
  }

  @Test
  void aPurgeReturnsTheLastStoredSnapshots() {
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"))) {
      Job done =
          TestJobs.job("t")
              .status(JobStatus.COMPLETED)
              .completedAt(TestJobs.T0)
              .result(Map.of("n", 1))
              .build();
      Job run = TestJobs.job("t").build();
      store.insertAll(List.of(done, run));
      Job claimed = start(store, store.reserve(claimAll()).get(0));
      Job finished =
          TestJobs.next(claimed, JobStatus.COMPLETED).toBuilder()
              .result(Map.of("ok", true))
              .build();
      assertThat(store.update(finished, claimed.version())).isTrue();
      // a manual retry, then it fails: the purge must see the failure, not the first completion
      Job retried =
          finished.toBuilder()
              .status(JobStatus.QUEUED)
              .version(finished.version() + 1)
              .completedAt(null)
              .result(null)
              .attempt(2)
              .build();
      assertThat(store.update(retried, finished.version())).isTrue();
      Job again = start(store, store.reserve(claimAll()).get(0));
      Job failed = TestJobs.next(again, JobStatus.FAILED).toBuilder().error("second try").build();
      assertThat(store.update(failed, again.version())).isTrue();

      Job storedDone = store.get(done.id()).orElseThrow();
      Job storedFailed = store.get(failed.id()).orElseThrow();
      assertThat(storedFailed).isEqualTo(failed);
      List<Job> purged = store.purge(Instant.now().plusSeconds(60), 0);
      assertThat(purged).containsExactlyInAnyOrder(storedDone, storedFailed);
      assertThat(store.get(done.id())).isEmpty();
      assertThat(store.get(failed.id())).isEmpty();
    }
  }
}
