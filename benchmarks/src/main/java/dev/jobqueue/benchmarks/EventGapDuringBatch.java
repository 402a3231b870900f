package dev.jobqueue.benchmarks;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a listener waits for one job's progress events while another thread submits a large
 * batch into SQLite: the longest gap between two of that job's events, quiet and around the batch.
 * A job reports progress every 5 ms. Arguments: batch size (default 10,000).
 */
public final class EventGapDuringBatch {
  public static void main(String[] args) throws Exception {
    int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path dir = Files.createTempDirectory("jobqueue-gap");
    try (SqliteJobStore store = SqliteJobStore.open(dir.resolve("jobs.db"));
        JobQueue queue =
            JobQueue.builder()
                .store(store)
                .workers(2)
                .handler(
                    "tick",
                    ctx -> {
                      for (int i = 1; i <= 400; i++) {
                        ctx.progress(i / 400.0, "tick " + i);
                        Thread.sleep(5);
                      }
                      return null;
                    })
                .handler("noop", ctx -> null)
                .build()) {
      AtomicLong last = new AtomicLong(System.nanoTime());
      AtomicLong maxGap = new AtomicLong();
      AtomicBoolean measuring = new AtomicBoolean();
      queue.subscribe(
          e -> {
            if (e.job().type().equals("tick")) {
              long now = System.nanoTime();
              long gap = now - last.getAndSet(now);
              if (measuring.get()) {
                maxGap.accumulateAndGet(gap, Math::max);
              }
            }
          });
      Job tick = queue.submit(JobRequest.builder("tick", "tick").build());
      Thread.sleep(300);
      measuring.set(true);
      Thread.sleep(300);
      System.out.printf(
          "longest gap between the job's events, quiet: %.1f ms%n", maxGap.get() / 1e6);
      maxGap.set(0);
      List<JobRequest> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        batch.add(JobRequest.builder("noop", "noop " + i).build());
      }
      long start = System.nanoTime();
      queue.submitAll(batch);
      System.out.printf("submitAll(%,d): %.1f ms%n", batchSize, (System.nanoTime() - start) / 1e6);
      Thread.sleep(200);
      System.out.printf(
          "longest gap between the job's events around it: %.1f ms%n", maxGap.get() / 1e6);
      queue.await(tick.id(), Duration.ofSeconds(60));
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
