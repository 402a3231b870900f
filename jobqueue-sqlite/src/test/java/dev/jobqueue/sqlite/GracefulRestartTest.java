package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graceful twin of {@link CrashRecoveryTest}: close() gives up on a job that still runs after
 * the shutdown timeout, and the next queue on the same file treats it as the recovery policy says,
 * never as cancelled.
 */
class GracefulRestartTest {
  @TempDir Path dir;

  /** Runs one job that only an interrupt ends, and closes the queue while it runs. */
  private Job closeWhileRunning(Path file, RecoveryPolicy policy) throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    try (SqliteJobStore store = SqliteJobStore.open(file)) {
      JobQueue q =
          JobQueue.builder()
              .store(store)
              .workers(1)
              .recoveryPolicy(policy)
              .shutdownTimeout(Duration.ofMillis(100))
              .handler(
                  "render",
                  ctx -> {
                    started.countDown();
                    new CountDownLatch(1).await();
                    return null;
                  })
              .build();
      Job j = q.submit(JobRequest.builder("render", "long render").maxAttempts(3).build());
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      q.close();
      return j;
    }
  }

  @Test
  void withRequeueAJobRunningAtShutdownRunsAgainAfterRestartAndCompletes() throws Exception {
    Path file = dir.resolve("jobs.db");
    Job j = closeWhileRunning(file, RecoveryPolicy.REQUEUE);
    try (SqliteJobStore store = SqliteJobStore.open(file);
        JobQueue q =
            JobQueue.builder()
                .store(store)
                .workers(1)
                .recoveryPolicy(RecoveryPolicy.REQUEUE)
                .handler("render", ctx -> Map.of("attempt", ctx.attempt()))
                .build()) {
      Job done = q.await(j.id(), Duration.ofSeconds(30));
      assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.result()).containsEntry("attempt", 2);
    }
  }

  @Test
  void withFailAJobRunningAtShutdownIsFailedAsInterrupted() throws Exception {
    Path file = dir.resolve("jobs.db");
    Job j = closeWhileRunning(file, RecoveryPolicy.FAIL);
    try (SqliteJobStore store = SqliteJobStore.open(file);
        JobQueue q =
            JobQueue.builder().store(store).workers(1).handler("render", ctx -> null).build()) {
      Job after = q.get(j.id());
      assertThat(after.status()).isEqualTo(JobStatus.FAILED);
      assertThat(after.error()).isEqualTo(Job.INTERRUPTED_ERROR);
      assertThat(after.cancelRequested()).isFalse();
    }
  }
}
