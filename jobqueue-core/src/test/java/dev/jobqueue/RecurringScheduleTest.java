package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.memory.InMemoryJobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Recurring schedules through queues, with a clock the tests move. */
class RecurringScheduleTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:30Z");
  private static final Schedule EVERY_MINUTE = Schedule.every(Duration.ofMinutes(1));

  private static JobQueue queue(InMemoryJobStore store, MutableClock clock, MissedRunPolicy p) {
    return JobQueue.builder()
        .store(store)
        .clock(clock)
        .workers(1)
        .pollInterval(Duration.ofMillis(20))
        .missedRuns(p)
        .handler("cleanup", ctx -> Map.of("at", ctx.job().createdAt().toString()))
        .build();
  }

  private static JobRequest cleanup() {
    return JobRequest.builder("cleanup", "Clean up old images").build();
  }

  private static RecurringSchedule stored(JobQueue q, String id) {
    return q.schedules().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void twoQueuesOnOneStoreSubmitEachOccurrenceOnce() {
    InMemoryJobStore store = new InMemoryJobStore();
    MutableClock clock = new MutableClock(T0);
    try (JobQueue a = queue(store, clock, MissedRunPolicy.RUN_ONCE);
        JobQueue b = queue(store, clock, MissedRunPolicy.RUN_ONCE)) {
      RecurringSchedule s = a.schedule("cleanup", EVERY_MINUTE, cleanup());
      assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-03-02T10:01:00Z"));
      // the second instance's start-up declares the same schedule: it keeps its state
      assertThat(b.schedule("cleanup", EVERY_MINUTE, cleanup())).isEqualTo(s);
      for (int minute = 1; minute <= 5; minute++) {
        clock.advance(Duration.ofMinutes(1));
        Instant occurrence = T0.plusSeconds(30 + 60L * (minute - 1));
        await().until(() -> occurrence.equals(stored(a, "cleanup").lastRunAt()));
      }
      List<Job> jobs = store.query(JobQuery.all());
      assertThat(jobs).hasSize(5);
      await().until(() -> store.query(JobQuery.all()).stream().allMatch(Job::isTerminal));
    }
  }

  @Test
  void runsMissedDuringADowntimeRunOnceByDefault() {
    InMemoryJobStore store = new InMemoryJobStore();
    MutableClock clock = new MutableClock(T0);
    try (JobQueue q = queue(store, clock, MissedRunPolicy.RUN_ONCE)) {
      q.schedule("cleanup", EVERY_MINUTE, cleanup());
    }
    clock.advance(Duration.ofMinutes(10)); // ten occurrences while nothing ran
    try (JobQueue q = queue(store, clock, MissedRunPolicy.RUN_ONCE)) {
      q.schedule("cleanup", EVERY_MINUTE, cleanup());
      await().until(() -> stored(q, "cleanup").lastRunAt() != null);
      RecurringSchedule s = stored(q, "cleanup");
      assertThat(s.lastRunAt()).isEqualTo(Instant.parse("2026-03-02T10:01:00Z"));
      assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-03-02T10:11:00Z"));
      assertThat(store.query(JobQuery.all())).hasSize(1);
    }
  }

  @Test
  void withSkipMissedRunsAreDropped() {
    InMemoryJobStore store = new InMemoryJobStore();
    MutableClock clock = new MutableClock(T0);
    try (JobQueue q = queue(store, clock, MissedRunPolicy.SKIP)) {
      q.schedule("cleanup", EVERY_MINUTE, cleanup());
      clock.advance(Duration.ofMinutes(10));
      await()
          .until(
              () -> stored(q, "cleanup").nextRunAt().equals(Instant.parse("2026-03-02T10:11:00Z")));
      assertThat(stored(q, "cleanup").lastRunAt()).isNull();
      assertThat(store.query(JobQuery.all())).isEmpty();
    }
  }

  @Test
  void aPausedScheduleSubmitsNothingAndResumesFromTheNextOccurrence() {
    InMemoryJobStore store = new InMemoryJobStore();
    MutableClock clock = new MutableClock(T0);
    try (JobQueue q = queue(store, clock, MissedRunPolicy.RUN_ONCE)) {
      q.schedule("a-paused", EVERY_MINUTE, cleanup());
      q.schedule("b-witness", EVERY_MINUTE, cleanup());
      assertThat(q.pauseSchedule("a-paused").paused()).isTrue();
      clock.advance(Duration.ofMinutes(1));
      // one tick fires every due schedule in id order: the witness firing means a-paused was seen
      await().until(() -> stored(q, "b-witness").lastRunAt() != null);
      assertThat(stored(q, "a-paused").lastRunAt()).isNull();
      assertThat(store.query(JobQuery.all())).hasSize(1);

      RecurringSchedule resumed = q.resumeSchedule("a-paused");
      assertThat(resumed.paused()).isFalse();
      assertThat(resumed.nextRunAt()).isEqualTo(Instant.parse("2026-03-02T10:02:00Z"));
      assertThat(q.deleteSchedule("b-witness")).isTrue();
      assertThat(q.schedules()).extracting(RecurringSchedule::id).containsExactly("a-paused");
      assertThatThrownBy(() -> q.pauseSchedule("nope")).hasMessageContaining("no schedule");
    }
  }

  @Test
  void aRunWhoseUniqueKeyIsHeldIsSkipped() throws Exception {
    InMemoryJobStore store = new InMemoryJobStore();
    MutableClock clock = new MutableClock(T0);
    CountDownLatch release = new CountDownLatch(1);
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .clock(clock)
            .workers(1)
            .pollInterval(Duration.ofMillis(20))
            .handler(
                "cleanup",
                ctx -> {
                  release.await();
                  return null;
                })
            .build()) {
      q.schedule(
          "cleanup", EVERY_MINUTE, JobRequest.builder("cleanup", "c").uniqueKey("cleanup").build());
      clock.advance(Duration.ofMinutes(1));
      await().until(() -> stored(q, "cleanup").lastJobId() != null);
      String first = stored(q, "cleanup").lastJobId();
      await().until(() -> q.get(first).status() == JobStatus.RUNNING);
      clock.advance(Duration.ofMinutes(1));
      await()
          .until(
              () -> stored(q, "cleanup").nextRunAt().equals(Instant.parse("2026-03-02T10:03:00Z")));
      assertThat(stored(q, "cleanup").lastJobId()).isEqualTo(first);
      assertThat(store.query(JobQuery.all())).hasSize(1);
      release.countDown();
    }
  }

  @Test
  void badTemplatesAreRefused() {
    try (JobQueue q =
        queue(new InMemoryJobStore(), new MutableClock(T0), MissedRunPolicy.RUN_ONCE)) {
      assertThatThrownBy(
              () -> q.schedule("x", EVERY_MINUTE, JobRequest.builder("nope", "x").build()))
          .isInstanceOf(UnknownJobTypeException.class);
      assertThatThrownBy(
              () ->
                  q.schedule(
                      "x",
                      EVERY_MINUTE,
                      JobRequest.builder("cleanup", "x").delay(Duration.ofSeconds(1)).build()))
          .hasMessageContaining("cannot have a parent, dependencies, runAt or delay");
    }
  }
}
