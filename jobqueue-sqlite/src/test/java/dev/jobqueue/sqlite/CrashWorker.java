package dev.jobqueue.sqlite;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;

/**
 * The process that {@link CrashRecoveryTest} kills: runs a queue on the file given as argument,
 * completes some jobs, leaves others running (their handlers block), reserved by a worker that
 * never started them, or queued behind them, prints "KIND id" lines and then "READY", and waits to
 * be killed.
 */
public final class CrashWorker {
  static final int QUICK_DONE = 5;
  static final int BLOCKING = 2;
  static final int QUEUED_BEHIND = 3;

  private CrashWorker() {}

  public static void main(String[] args) throws Exception {
    SqliteJobStore store = SqliteJobStore.open(Path.of(args[0]));
    CountDownLatch never = new CountDownLatch(1);
    JobQueue queue =
        JobQueue.builder()
            .store(store)
            .workers(BLOCKING + 1)
            .defaultMaxAttempts(2)
            .handler("quick", ctx -> Map.of("done", ctx.jobId()))
            .handler(
                "block",
                ctx -> {
                  ctx.progress(0.5, "half way, then the process dies");
                  never.await();
                  return Map.of();
                })
            .handler(
                "parent",
                ctx -> {
                  ctx.spawn(JobRequest.builder("block", "child of " + ctx.jobId()).build());
                  return Map.of("spawned", true);
                })
            .build();
    // first, while nothing runs: a queue recovers what it finds running on a file it does not share
    reserveAndHold(store, never);
    for (int i = 0; i < QUICK_DONE; i++) {
      Job j = queue.submit(JobRequest.builder("quick", "quick " + i).build());
      Job done = queue.await(j.id(), Duration.ofSeconds(30));
      System.out.println("COMPLETED " + done.id());
    }
    for (int i = 0; i < BLOCKING; i++) {
      Job j = queue.submit(JobRequest.builder("block", "block " + i).build());
      waitRunning(queue, j.id());
      System.out.println("RUNNING " + j.id());
    }
    Job parent = queue.submit(JobRequest.builder("parent", "parent").build());
    String child =
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> queue.get(parent.id()).childJobIds(), ids -> !ids.isEmpty())
            .get(0);
    waitRunning(queue, child);
    System.out.println("PARENT " + parent.id());
    System.out.println("RUNNING " + child);
    for (int i = 0; i < QUEUED_BEHIND; i++) {
      // every worker is blocked, so these stay queued
      System.out.println(
          "QUEUED " + queue.submit(JobRequest.builder("quick", "later " + i).build()).id());
    }
    System.out.println("READY");
    System.out.flush();
    never.await();
  }

  /**
   * Leaves jobs reserved but not started: a second queue with one worker reserves in batches that
   * grow 1, 2, 4 (a fixed clock makes every batch "started quickly"); the fourth job blocks the
   * worker, so the fifth to seventh stay reserved. The first queue has no handler for them.
   */
  private static void reserveAndHold(SqliteJobStore store, CountDownLatch never) {
    List<Job> jobs = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 7; i++) {
      jobs.add(
          new Job.Builder()
              .id("reserve-" + i)
              .type("reserve")
              .status(JobStatus.QUEUED)
              .createdAt(now)
              .updatedAt(now)
              .title("r" + i)
              .maxAttempts(2)
              .build());
    }
    store.insertAll(jobs); // stored directly: the first queue has no handler for them
    JobQueue reserver =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .reserveBatch(4)
            .clock(Clock.fixed(Instant.now(), ZoneOffset.UTC))
            .handler(
                "reserve",
                ctx -> {
                  if (ctx.job().title().equals("r3")) {
                    ctx.progress(0.5, "blocks the only worker");
                    never.await();
                  }
                  return Map.of("second", "attempt " + ctx.attempt());
                })
            .build();
    waitRunning(reserver, jobs.get(3).id());
    System.out.println("RUNNING " + jobs.get(3).id());
    for (int i = 4; i < 7; i++) {
      System.out.println("RESERVED " + jobs.get(i).id());
    }
  }

  private static void waitRunning(JobQueue queue, String id) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(5))
        .until(
            () -> queue.get(id).status() == JobStatus.RUNNING && queue.get(id).progress() >= 0.5);
  }
}
