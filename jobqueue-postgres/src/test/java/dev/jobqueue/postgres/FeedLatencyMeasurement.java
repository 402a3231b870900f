package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Not a test: how late events reach listeners with two instances under load. B runs no-op jobs
 * submitted in batches of 100; listeners on A (other instance) and B (own) record, per status
 * event, the time from the snapshot's {@code updated_at} to delivery. Run with {@code
 * -Djobqueue.measure=true}; prints p50/p99 and lifecycles/s.
 */
class FeedLatencyMeasurement {
  private static final int JOBS = Integer.getInteger("jobqueue.measure.jobs", 20_000);

  @Test
  void eventLatencyUnderLoad() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("jobqueue.measure"), "-Djobqueue.measure=true");
    PgTestDb.require();
    String schema = PgTestDb.freshSchema(FeedLatencyMeasurement.class);
    try (HikariDataSource pool = PgTestDb.pool(10);
        PostgresJobStore storeA = PostgresJobStore.builder(pool).schema(schema).build();
        PostgresJobStore storeB = PostgresJobStore.builder(pool).schema(schema).build()) {
      ConcurrentLinkedQueue<Long> onA = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Long> onB = new ConcurrentLinkedQueue<>();
      AtomicInteger completedOnA = new AtomicInteger();
      AtomicInteger completedOnB = new AtomicInteger();
      java.util.Set<String> distinctA = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.Set<String> distinctB = java.util.concurrent.ConcurrentHashMap.newKeySet();
      try (JobQueue a = JobQueue.builder().store(storeA).instanceId("A").build();
          JobQueue b =
              JobQueue.builder()
                  .store(storeB)
                  .instanceId("B")
                  .workers(2)
                  .handler("noop", ctx -> Map.of())
                  .build()) {
        a.subscribe(
            e -> {
              record(onA, e);
              distinctA.add(e.jobId() + e.job().status() + e.statusChanged());
              if (e.job().status() == JobStatus.COMPLETED) {
                completedOnA.incrementAndGet();
              }
            });
        b.subscribe(
            e -> {
              record(onB, e);
              distinctB.add(e.jobId() + e.job().status() + e.statusChanged());
              if (e.job().status() == JobStatus.COMPLETED) {
                completedOnB.incrementAndGet();
              }
            });
        long start = System.nanoTime();
        for (int i = 0; i < JOBS; i += 100) {
          List<JobRequest> batch = new ArrayList<>();
          for (int j = 0; j < 100; j++) {
            batch.add(JobRequest.builder("noop", "n").build());
          }
          b.submitAll(batch);
        }
        await().atMost(Duration.ofMinutes(5)).until(() -> completedOnA.get() >= JOBS);
        await().atMost(Duration.ofMinutes(5)).until(() -> completedOnB.get() >= JOBS);
        System.out.printf(
            "distinct (job, status, statusChanged): A %d, B %d; completed events A %d, B %d%n",
            distinctA.size(), distinctB.size(), completedOnA.get(), completedOnB.get());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%d lifecycles in %.1f s (%.0f/s, until A saw every completion)%n",
            JOBS, seconds, JOBS / seconds);
        print("other instance (A)", onA);
        print("own instance (B)", onB);
      }
    }
  }

  private static void record(ConcurrentLinkedQueue<Long> into, JobEvent e) {
    if (e.statusChanged()) {
      into.add(System.currentTimeMillis() * 1000 - e.job().updatedAt().toEpochMilli() * 1000);
    }
  }

  private static void print(String who, ConcurrentLinkedQueue<Long> micros) {
    long[] v = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "%s: %d status events, change -> listener p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        who,
        v.length,
        v[v.length / 2] / 1000.0,
        v[(int) (v.length * 0.99)] / 1000.0,
        v[v.length - 1] / 1000.0);
  }
}
