package dev.jobqueue.spi;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cancels racing the workers' reservations and starts, on a real store: a job whose cancel found it
 * queued (reserved or not) never runs; every other job runs once; each ends in one terminal state,
 * announced once; a job that ran was announced running, and one announced running that never ran
 * was cancelled before its handler's first line. Stores run it with their own {@link #newStore()}
 * (the SQLite store in its module).
 */
public abstract class ReservationRaces {
  private static final int JOBS = 2_000;

  protected abstract JobStore newStore();

  @Test
  void aJobCancelledWhileQueuedNeverRunsAndEveryOtherRunsOnce() throws Exception {
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    Map<String, Job> cancelledQueued = new ConcurrentHashMap<>();
    List<String> ids = new CopyOnWriteArrayList<>();
    CountDownLatch gate = new CountDownLatch(1);
    JobStore store = newStore();
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(4)
            .listenerBuffer(1_000_000)
            .handler(
                "t",
                ctx -> {
                  runs.merge(ctx.jobId(), 1, Integer::sum);
                  gate.await(); // closed for the first half of the cancels: most jobs stay queued
                  return Map.of();
                })
            .build()) {
      q.subscribe(events::add);
      ExecutorService pool = Executors.newFixedThreadPool(3);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      fs.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < JOBS; i += 50) {
                  List<JobRequest> batch = new ArrayList<>();
                  for (int k = 0; k < 50; k++) {
                    batch.add(JobRequest.builder("t", "job " + (i + k)).build());
                  }
                  q.submitAll(batch).forEach(j -> ids.add(j.id()));
                }
                return null;
              }));
      for (int c = 0; c < 2; c++) {
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  for (int n = 0; n < JOBS / 4; n++) {
                    if (n == JOBS / 8) {
                      gate.countDown(); // from now on cancels race the workers
                    }
                    if (ids.isEmpty()) {
                      Thread.onSpinWait();
                      n--;
                      continue;
                    }
                    // the newest jobs are the ones most likely reserved and not started
                    String id = ids.get(Math.max(0, ids.size() - 1 - r.nextInt(64)));
                    try {
                      Job after = q.cancel(id);
                      if (after.status() == JobStatus.CANCELLED && after.startedAt() == null) {
                        cancelledQueued.put(id, after);
                      }
                    } catch (JobStateException ended) {
                      // it completed first
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ids.stream().allMatch(id -> q.get(id).isTerminal()));

      assertThat(cancelledQueued).as("some cancels found the job queued").isNotEmpty();
      for (String id : cancelledQueued.keySet()) {
        assertThat(runs).as("cancelled while queued, yet it ran: " + id).doesNotContainKey(id);
      }
      assertThat(runs.values()).as("no job ran twice").allMatch(n -> n == 1);
      await().atMost(Duration.ofSeconds(60)).until(() -> terminalEvents(events) == ids.size());
      for (String id : ids) {
        Job last = q.get(id);
        List<JobStatus> statuses = new ArrayList<>();
        for (JobEvent e : events) {
          if (e.jobId().equals(id) && e.statusChanged()) {
            statuses.add(e.job().status());
          }
        }
        boolean ran = runs.containsKey(id);
        assertThat(statuses.get(statuses.size() - 1)).as(id).isEqualTo(last.status());
        if (ran) {
          assertThat(statuses)
              .as("%s ran: it was announced running", id)
              .contains(JobStatus.RUNNING);
        } else if (statuses.contains(JobStatus.RUNNING)) {
          // started, then cancelled before its handler's first line
          assertThat(last.status())
              .as("%s: started, not run (%s)", id, statuses)
              .isEqualTo(JobStatus.CANCELLED);
        }
        if (last.status() == JobStatus.COMPLETED) {
          assertThat(ran).isTrue();
        }
      }
    } finally {
      store.close();
    }
  }

  private static long terminalEvents(List<JobEvent> events) {
    return events.stream().filter(e -> e.statusChanged() && e.job().isTerminal()).count();
  }
}
