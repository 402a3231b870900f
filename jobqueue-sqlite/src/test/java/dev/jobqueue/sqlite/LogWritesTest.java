package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handler logging 100,000 lines costs the SQLite store a few commits a second (logs ride the
 * coalesced progress flush), never one per line; the log keeps the newest lines and the count of
 * dropped ones, durably.
 */
class LogWritesTest {
  @TempDir Path dir;

  @Test
  void aHundredThousandLinesCostAFewCommitsASecond() throws Exception {
    int n = 100_000;
    Path file = dir.resolve("jobs.db");
    String id;
    try (SqliteJobStore store = SqliteJobStore.open(file);
        JobQueue queue =
            JobQueue.builder()
                .store(store)
                .workers(1)
                .handler(
                    "chatty",
                    ctx -> {
                      for (int i = 0; i < n; i++) {
                        ctx.log("line " + i);
                      }
                      return Map.of();
                    })
                .build()) {
      long before = store.writeStats().commits();
      long start = System.nanoTime();
      Job j = queue.submit(JobRequest.builder("chatty", "logs a lot").build());
      id = j.id();
      queue.await(id, Duration.ofSeconds(60));
      queue.logs(id);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long commits = store.writeStats().commits() - before;
      System.out.printf(
          "SQLite, 100,000 log lines: %d commits in %d ms (%.1f/s; submit, start and end are 3)%n",
          commits, ms, commits * 1000.0 / Math.max(1, ms));
      // status changes (submit, start, end) + at most one log flush per 250 ms interval, and slack
      assertThat(commits).isLessThanOrEqualTo(3 + ms / 250 + 3);
    }
    try (SqliteJobStore again = SqliteJobStore.open(file)) {
      List<JobLog> logs = again.logs(id);
      assertThat(logs).hasSize(1);
      assertThat(logs.get(0).lines()).hasSize(JobLog.MAX_LINES);
      assertThat(logs.get(0).lines().get(JobLog.MAX_LINES - 1).text()).isEqualTo("line " + (n - 1));
      assertThat(logs.get(0).droppedMarker())
          .isEqualTo((n - JobLog.MAX_LINES) + " earlier lines dropped");
    }
  }
}
