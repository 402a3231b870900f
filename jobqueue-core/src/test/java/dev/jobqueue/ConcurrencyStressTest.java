package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Thousands of jobs submitted, cancelled, retried and deleted from many threads at once, then the
 * invariants: every job ends in exactly one terminal state, no attempt runs twice, each job's
 * events arrive in version order and trace a legal path through the state machine to the stored
 * final state, and sequences increase.
 */
class ConcurrencyStressTest {
  private static final int THREADS = 8;
  private static final int JOBS_PER_THREAD = 300;

  @Test
  void manyThreadsSubmitCancelRetryAndDelete() throws Exception {
    Set<String> attemptsRun = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicateAttempts = new AtomicInteger();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    Set<String> submitted = ConcurrentHashMap.newKeySet();
    Set<String> deleted = ConcurrentHashMap.newKeySet();
    AtomicInteger conflicts = new AtomicInteger();

    try (JobQueue q =
        JobQueue.builder()
            .workers(4)
            .listenerBuffer(1_000_000)
            .retryBackoff(new RetryBackoff(Duration.ofMillis(1), 2.0, Duration.ofMillis(5)))
            .handler(
                "work",
                ctx -> {
                  if (!attemptsRun.add(ctx.jobId() + "#" + ctx.attempt())) {
                    duplicateAttempts.incrementAndGet();
                  }
                  int steps = ThreadLocalRandom.current().nextInt(1, 5);
                  for (int i = 1; i <= steps; i++) {
                    ctx.progress(i, steps, "step " + i);
                  }
                  if (ThreadLocalRandom.current().nextInt(10) == 0) {
                    throw new IllegalStateException("random failure");
                  }
                  return Map.of("steps", steps);
                })
            .build()) {
      q.subscribe(events::add);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  List<String> mine = new ArrayList<>();
                  for (int i = 0; i < JOBS_PER_THREAD; i++) {
                    Job j =
                        q.submit(
                            JobRequest.builder("work", "stress " + i)
                                .priority(r.nextInt(3))
                                .maxAttempts(r.nextInt(1, 3))
                                .build());
                    submitted.add(j.id());
                    mine.add(j.id());
                    String target = mine.get(r.nextInt(mine.size()));
                    try {
                      switch (r.nextInt(4)) {
                        case 0 -> q.cancel(target);
                        case 1 -> q.retry(target);
                        case 2 -> {
                          q.delete(target);
                          deleted.add(target);
                        }
                        default -> {}
                      }
                    } catch (JobStateException | JobNotFoundException e) {
                      conflicts.incrementAndGet(); // the job was in the wrong state: expected under
                      // races
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  q.list(
                          JobQuery.builder()
                              .status(JobStatus.QUEUED, JobStatus.RUNNING)
                              .limit(10)
                              .build())
                      .isEmpty());
      Map<String, Job> finalJobs = new HashMap<>();
      for (Job j : q.list(JobQuery.all())) {
        finalJobs.put(j.id(), j);
      }
      await().until(() -> events.size() > 0 && lastVersionsMatch(events, finalJobs));

      assertThat(duplicateAttempts.get()).as("attempts run twice").isZero();
      assertThat(finalJobs.size() + deleted.size()).isEqualTo(THREADS * JOBS_PER_THREAD);
      assertThat(conflicts.get()).as("some operations must have raced").isPositive();

      Map<String, List<JobEvent>> byJob = new HashMap<>();
      long lastSeq = 0;
      for (JobEvent e : events) {
        assertThat(e.sequence()).isGreaterThan(lastSeq);
        lastSeq = e.sequence();
        byJob.computeIfAbsent(e.jobId(), k -> new ArrayList<>()).add(e);
      }
      for (String id : submitted) {
        List<JobEvent> evs = byJob.get(id);
        assertThat(evs).as("events of " + id).isNotEmpty();
        assertThat(evs.get(0).kind()).isEqualTo(JobEvent.Kind.CREATED);
        JobStatus status = null;
        long version = 0;
        int terminalEnds = 0;
        for (JobEvent e : evs) {
          if (e.kind() == JobEvent.Kind.DELETED) {
            assertThat(deleted).contains(id);
            assertThat(e).isSameAs(evs.get(evs.size() - 1));
            continue;
          }
          assertThat(e.job().version()).as("versions of " + id).isGreaterThan(version);
          version = e.job().version();
          JobStatus next = e.job().status();
          if (status != null && next != status) {
            assertThat(e.statusChanged()).isTrue();
            boolean legal =
                status.canMoveTo(next)
                    || status == JobStatus.RUNNING && next == JobStatus.QUEUED; // automatic retry
            assertThat(legal).as(id + ": " + status + " -> " + next).isTrue();
          } else if (status != null) {
            assertThat(e.statusChanged()).isFalse();
          }
          if (next.isTerminal() && e.statusChanged()) {
            terminalEnds++;
          }
          status = next;
        }
        assertThat(terminalEnds).as("terminal events of " + id).isPositive();
        Job stored = finalJobs.get(id);
        if (stored != null) {
          assertThat(stored.status())
              .isIn(EnumSet.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED));
          assertThat(status)
              .as("last event of " + id + " is its stored state")
              .isEqualTo(stored.status());
          assertThat(version).isEqualTo(stored.version());
        }
      }
    }
  }

  private static boolean lastVersionsMatch(List<JobEvent> events, Map<String, Job> finalJobs) {
    Map<String, Long> last = new HashMap<>();
    for (JobEvent e : events) {
      last.put(e.jobId(), e.job().version());
    }
    for (Job j : finalJobs.values()) {
      Long v = last.get(j.id());
      if (v == null || v != j.version()) {
        return false;
      }
    }
    return true;
  }
}
