package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process in the middle of a checkpointing job, then a queue with {@link
 * RecoveryPolicy#REQUEUE} on the same file: the job's next attempt starts from its last checkpoint,
 * not from the beginning.
 */
class CheckpointCrashTest {
  @TempDir Path dir;

  @Test
  void aKilledJobResumesFromItsCheckpointAfterARestart() throws Exception {
    Path file = dir.resolve("jobs.db");
    Path log = dir.resolve("worker.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CheckpointCrashWorker.class.getName(),
                file.toString())
            .redirectError(log.toFile())
            .start();
    String id;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine(); // blocks until the worker has checkpointed 4 bands
      assertThat(line)
          .as("worker output; its log:\n%s", Files.readString(log))
          .startsWith("READY ");
      id = line.substring("READY ".length());
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("killed, not exited").isNotZero();

    try (SqliteJobStore store = SqliteJobStore.open(file);
        JobQueue queue =
            JobQueue.builder()
                .store(store)
                .workers(1)
                .recoveryPolicy(RecoveryPolicy.REQUEUE)
                .handler(
                    "render", ctx -> CheckpointCrashWorker.render(ctx, new CountDownLatch(0), -1))
                .build()) {
      Job done = queue.await(id, Duration.ofSeconds(30));
      assertThat(done.status()).as(done.describe()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      assertThat(done.result())
          .containsEntry("resumed_from", CheckpointCrashWorker.KILLED_AFTER)
          .containsEntry("attempt", 2);
      assertThat(done.checkpoint().get("bands")).asList().hasSize(CheckpointCrashWorker.BANDS);
      assertThat(done.checkpoint().get("bands")).isEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    }
  }
}
