package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListenerTest {

  @Test
  void aBlockedListenerDoesNotHoldUpWorkersOrOtherListeners() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    RecordingListener healthy = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .workers(2)
            .handler(
                "step",
                ctx -> {
                  for (int i = 1; i <= 50; i++) {
                    ctx.progress(i, 50, "step " + i);
                  }
                  return null;
                })
            .build()) {
      Subscription stuck =
          q.subscribe(
              e -> {
                try {
                  unblock.await();
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
              });
      q.subscribe(healthy);
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        jobs.add(q.submit(JobRequest.builder("step", "job " + i).build()));
      }
      for (Job j : jobs) {
        assertThat(q.await(j.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
      }
      await().until(() -> jobs.stream().allMatch(j -> healthy.statusesOf(j.id()).size() == 3));
      assertThat(stuck.backlog()).isPositive();
      assertThat(stuck.coalesced()).as("progress of waiting jobs is coalesced").isPositive();
      unblock.countDown();
      await().until(() -> stuck.backlog() == 0);
      // the stuck listener still receives every status change, in order
    }
  }

  @Test
  void aStalledListenerIsNotFloodedByOneJobsProgressAndStillGetsEveryStatusChange()
      throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    List<JobEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (JobQueue q =
        JobQueue.builder()
            .workers(1)
            .listenerBuffer(16)
            .handler(
                "chatty",
                ctx -> {
                  for (int i = 1; i <= 20_000; i++) {
                    ctx.progress(i / 20_000.0, "report " + i);
                  }
                  return null;
                })
            .build()) {
      Subscription s =
          q.subscribe(
              e -> {
                try {
                  unblock.await();
                } catch (InterruptedException ie) {
                  Thread.currentThread().interrupt();
                }
                seen.add(e);
              });
      Job j = q.submit(JobRequest.builder("chatty", "chatty").build());
      assertThat(q.await(j.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(s.backlog()).isLessThanOrEqualTo(17);
      unblock.countDown();
      await().until(() -> statuses(seen, j.id()).size() == 3);
      await().until(() -> s.backlog() == 0);
      assertThat(statuses(seen, j.id()))
          .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
      assertThat(seen).extracting(e -> e.job().version()).isSorted().doesNotHaveDuplicates();
      // the stalled listener is handed a few waiting reports, not one per report
      assertThat(seen.size()).isLessThan(2 * 16 + 64 + 3);
      assertThat(s.coalesced()).isGreaterThan(19_000);
    }
  }

  @Test
  void slowListenerGetsEveryStatusChangeAndTheLatestProgressInOrder() throws Exception {
    CountDownLatch unblock = new CountDownLatch(1);
    List<JobEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (JobQueue q =
        JobQueue.builder()
            .workers(2)
            .listenerBuffer(16)
            .handler(
                "step",
                ctx -> {
                  for (int i = 1; i <= 100; i++) {
                    ctx.progress(i / 100.0, null);
                  }
                  return null;
                })
            .build()) {
      q.subscribe(
          e -> {
            try {
              unblock.await();
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
            seen.add(e);
          });
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        jobs.add(q.submit(JobRequest.builder("step", "job " + i).build()));
      }
      for (Job j : jobs) {
        q.await(j.id(), Duration.ofSeconds(30));
      }
      unblock.countDown();
      await().until(() -> jobs.stream().allMatch(j -> statuses(seen, j.id()).size() == 3));
      for (Job j : jobs) {
        assertThat(statuses(seen, j.id()))
            .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
        List<Long> versions =
            seen.stream()
                .filter(e -> e.jobId().equals(j.id()))
                .map(e -> e.job().version())
                .toList();
        assertThat(versions).isSorted().doesNotHaveDuplicates();
      }
      assertThat(seen).extracting(JobEvent::sequence).isSorted().doesNotHaveDuplicates();
      assertThat(seen.size()).as("coalesced well below 30 × 103 events").isLessThan(30 * 103);
    }
  }

  private static List<JobStatus> statuses(List<JobEvent> events, String id) {
    return events.stream()
        .filter(e -> e.jobId().equals(id) && e.statusChanged())
        .map(e -> e.job().status())
        .toList();
  }

  @Test
  void aThrowingListenerKeepsReceiving() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (JobQueue q = JobQueue.builder().workers(1).handler("t", ctx -> Map.of()).build()) {
      Subscription s =
          q.subscribe(
              e -> {
                calls.incrementAndGet();
                throw new IllegalStateException("listener bug");
              });
      Job a = q.submit(JobRequest.builder("t", "a").build());
      q.await(a.id(), Duration.ofSeconds(30));
      Job b = q.submit(JobRequest.builder("t", "b").build());
      q.await(b.id(), Duration.ofSeconds(30));
      await().until(() -> calls.get() >= 6);
      // the listener thread counts a failure after the call returns: wait for it, do not race it
      await()
          .untilAsserted(
              () -> {
                assertThat(s.failures()).isGreaterThanOrEqualTo(6);
                assertThat(s.delivered()).isGreaterThanOrEqualTo(6);
              });
    }
  }

  @Test
  void unsubscribedListenerStopsReceivingAndItsThreadEnds() throws Exception {
    RecordingListener l = new RecordingListener();
    NewThreads listenerThreads = NewThreads.since("jobqueue-listener");
    try (JobQueue q = JobQueue.builder().workers(1).handler("t", ctx -> Map.of()).build()) {
      Subscription s = q.subscribe(l);
      q.await(q.submit(JobRequest.builder("t", "a").build()).id(), Duration.ofSeconds(30));
      await().until(() -> l.events.size() == 3);
      s.close();
      q.await(q.submit(JobRequest.builder("t", "b").build()).id(), Duration.ofSeconds(30));
      assertThat(l.events).hasSize(3);
      // this subscription's thread (not one another test's queue may still have)
      await().until(() -> listenerThreads.names().isEmpty());
    }
  }

  @Test
  void sequencesOfALaterQueueStartAboveThoseOfAnEarlierOne() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T00:00:00Z"));
    long firstRunLast;
    try (JobQueue q = JobQueue.builder().workers(0).clock(clock).build()) {
      for (int i = 0; i < 50; i++) {
        q.tracker().create(JobRequest.builder("t", "j" + i).build());
      }
      firstRunLast = q.lastSequence();
    }
    clock.advance(java.time.Duration.ofSeconds(1));
    try (JobQueue q = JobQueue.builder().workers(0).clock(clock).build()) {
      RecordingListener l = new RecordingListener();
      q.subscribe(l);
      q.tracker().create(JobRequest.builder("t", "after restart").build());
      await().until(() -> l.events.size() == 1);
      assertThat(l.events.get(0).sequence()).isGreaterThan(firstRunLast);
    }
  }

  @Test
  void sequencesIncreaseAcrossJobs() throws Exception {
    RecordingListener l = new RecordingListener();
    try (JobQueue q =
        JobQueue.builder()
            .workers(2)
            .handler(
                "t",
                ctx -> {
                  ctx.progress(0.5, "x");
                  return Map.of();
                })
            .build()) {
      q.subscribe(l);
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        jobs.add(q.submit(JobRequest.builder("t", "j" + i).build()));
      }
      for (Job j : jobs) {
        q.await(j.id(), Duration.ofSeconds(30));
      }
      await().until(() -> jobs.stream().allMatch(j -> l.statusesOf(j.id()).size() == 3));
      assertThat(l.events).extracting(JobEvent::sequence).isSorted().doesNotHaveDuplicates();
      assertThat(q.lastSequence())
          .isGreaterThanOrEqualTo(l.events.get(l.events.size() - 1).sequence());
    }
  }
}
