package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ClaimRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code concurrency(type, n)} holds across every instance on one database, not per instance. */
class SharedLimitsTest {
  @RegisterExtension static final PgSchema db = new PgSchema(10);
  private static int tables;

  private static PostgresJobStore store(String prefix) {
    return PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build();
  }

  @Test
  void aTypeAtItsLimitOnOneInstanceIsNotReservedByAnother() throws Exception {
    String prefix = "t" + ++tables + "_";
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (PostgresJobStore storeA = store(prefix);
        PostgresJobStore storeB = store(prefix)) {
      JobQueue a =
          JobQueue.builder()
              .store(storeA)
              .instanceId("A")
              .concurrency("render", 1)
              .handler(
                  "render",
                  ctx -> {
                    started.countDown();
                    release.await();
                    return Map.of();
                  })
              .build();
      try {
        Job first = a.submit(JobRequest.builder("render", "first").build());
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        Job seenByB = storeB.get(first.id()).orElseThrow();
        assertThat(seenByB.status()).isEqualTo(JobStatus.RUNNING);
        Job waiting = a.submit(JobRequest.builder("render", "second").build());
        Instant now = Instant.now();
        ClaimRequest limitOne =
            new ClaimRequest(
                Set.of("render"), now, "B", now.plusSeconds(60), 1, Map.of("render", 1));
        assertThat(storeB.reserve(limitOne)).as("A runs one of at most one").isEmpty();
        ClaimRequest limitTwo =
            new ClaimRequest(
                Set.of("render"), now, "B", now.plusSeconds(60), 1, Map.of("render", 2));
        assertThat(storeB.reserve(limitTwo)).extracting(Job::id).containsExactly(waiting.id());
        assertThat(storeB.reserve(limitTwo))
            .as("B's reservation counts too: one running, one reserved")
            .isEmpty();
        storeB.release("B", List.of(waiting.id()));
      } finally {
        release.countDown();
        a.close();
      }
    }
  }

  @Test
  void twoInstancesTogetherNeverRunMoreThanTheLimit() {
    String prefix = "t" + ++tables + "_";
    int limit = 2;
    int jobs = 40;
    AtomicInteger runningNow = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<JobQueue> queues = new ArrayList<>();
    List<PostgresJobStore> stores = new ArrayList<>();
    try {
      for (String id : List.of("A", "B")) {
        PostgresJobStore s = store(prefix);
        stores.add(s);
        queues.add(
            JobQueue.builder()
                .store(s)
                .instanceId(id)
                .workers(3)
                .pollInterval(Duration.ofMillis(20))
                .concurrency("render", limit)
                .handler(
                    "render",
                    ctx -> {
                      most.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
                      // long enough for the other instance's workers to try to start more
                      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
                      runningNow.decrementAndGet();
                      return Map.of("by", id);
                    })
                .build());
      }
      queues
          .get(0)
          .submitAll(Collections.nCopies(jobs, JobRequest.builder("render", "render").build()));
      JobQueue a = queues.get(0);
      await()
          .until(
              () -> a.list(JobQuery.builder().status(JobStatus.COMPLETED).build()).size() == jobs);
      assertThat(most.get()).isLessThanOrEqualTo(limit);
    } finally {
      queues.forEach(JobQueue::close);
      stores.forEach(PostgresJobStore::close);
    }
  }
}
