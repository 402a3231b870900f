package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a process running a queue on a file, then a new queue on the same file: nothing
 * submitted is missing, completed jobs keep their results, interrupted jobs follow the policy,
 * queued jobs run, and a parent whose child was interrupted ends accordingly.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  /** What the killed process reported, by kind (COMPLETED, RUNNING, RESERVED, QUEUED, PARENT). */
  private Map<String, List<String>> crash(Path file) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("worker.log");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashWorker.class.getName(),
                file.toString())
            .redirectError(log.toFile())
            .start();
    Map<String, List<String>> seen = new LinkedHashMap<>();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process was killed
              }
              lines.add("EOF");
            },
            "crash-worker-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line)
            .as("worker output; its log:\n%s", readLog(log))
            .isNotNull()
            .isNotEqualTo("EOF");
        if (line.equals("READY")) {
          break;
        }
        String[] kv = line.split(" ", 2);
        seen.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
      }
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("killed, not exited").isNotZero();
    return seen;
  }

  private static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static JobQueue restart(SqliteJobStore store, RecoveryPolicy policy) {
    return JobQueue.builder()
        .store(store)
        .workers(2)
        .recoveryPolicy(policy)
        .handler("quick", ctx -> Map.of("done", ctx.jobId()))
        .handler("block", ctx -> Map.of("second", "attempt " + ctx.attempt()))
        .handler("reserve", ctx -> Map.of("second", "attempt " + ctx.attempt()))
        .handler("parent", ctx -> Map.of())
        .build();
  }

  @Test
  void afterAKillInterruptedJobsFailAndEverythingElseIsThere() throws Exception {
    Path file = dir.resolve("jobs.db");
    Map<String, List<String>> seen = crash(file);
    assertThat(seen.get("COMPLETED")).hasSize(CrashWorker.QUICK_DONE);
    assertThat(seen.get("RUNNING")).hasSize(CrashWorker.BLOCKING + 2);
    assertThat(seen.get("RESERVED")).hasSize(3);
    assertThat(seen.get("QUEUED")).hasSize(CrashWorker.QUEUED_BEHIND);

    try (SqliteJobStore store = SqliteJobStore.open(file);
        JobQueue queue = restart(store, RecoveryPolicy.FAIL)) {
      assertNothingMissing(store, seen);
      for (String id : seen.get("COMPLETED")) {
        Job j = queue.get(id);
        assertThat(j.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(j.result()).containsEntry("done", id);
      }
      for (String id : seen.get("RUNNING")) {
        Job j = queue.get(id);
        assertThat(j.status()).as(j.describe()).isEqualTo(JobStatus.FAILED);
        assertThat(j.error()).isEqualTo(Job.INTERRUPTED_ERROR);
      }
      awaitStatus(queue, seen.get("QUEUED"), JobStatus.COMPLETED);
      awaitStatus(queue, seen.get("PARENT"), JobStatus.FAILED);
      assertReservedRanOnce(queue, seen);
    }
  }

  @Test
  void withRequeueInterruptedJobsRunAgain() throws Exception {
    Path file = dir.resolve("jobs.db");
    Map<String, List<String>> seen = crash(file);
    try (SqliteJobStore store = SqliteJobStore.open(file);
        JobQueue queue = restart(store, RecoveryPolicy.REQUEUE)) {
      assertNothingMissing(store, seen);
      awaitStatus(queue, seen.get("RUNNING"), JobStatus.COMPLETED);
      for (String id : seen.get("RUNNING")) {
        Job j = queue.get(id);
        assertThat(j.attempt()).isEqualTo(2);
        assertThat(j.result()).containsEntry("second", "attempt 2");
      }
      awaitStatus(queue, seen.get("QUEUED"), JobStatus.COMPLETED);
      awaitStatus(queue, seen.get("PARENT"), JobStatus.COMPLETED);
      assertReservedRanOnce(queue, seen);
      for (String id : seen.get("COMPLETED")) {
        assertThat(queue.get(id).result()).containsEntry("done", id);
      }
    }
  }

  /** Reserved, never started jobs run after the restart as their first attempt. */
  private static void assertReservedRanOnce(JobQueue queue, Map<String, List<String>> seen) {
    awaitStatus(queue, seen.get("RESERVED"), JobStatus.COMPLETED);
    for (String id : seen.get("RESERVED")) {
      Job j = queue.get(id);
      assertThat(j.attempt()).isEqualTo(1);
      assertThat(j.result()).containsEntry("second", "attempt 1");
    }
  }

  private static void assertNothingMissing(SqliteJobStore store, Map<String, List<String>> seen) {
    List<String> stored = store.query(JobQuery.all()).stream().map(Job::id).toList();
    seen.values().forEach(ids -> assertThat(stored).containsAll(ids));
  }

  private static void awaitStatus(JobQueue queue, List<String> ids, JobStatus status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (String id : ids) {
                assertThat(queue.get(id).status()).as(queue.get(id).describe()).isEqualTo(status);
              }
            });
  }
}
