package dev.jobqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.Schedule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The storage contract of scheduling: delayed jobs, unique keys and checkpoints. Runs inside {@link
 * JobStoreContract} (as its nested {@code Scheduling} class) on the same fresh store, so every
 * store runs it unchanged.
 */
abstract class SchedulingContract {
  private final JobStoreContract c;

  SchedulingContract(JobStoreContract contract) {
    this.c = contract;
  }

  private JobStore store() {
    return c.store;
  }

  private Job.Builder job(String type) {
    return c.job(type);
  }

  private ClaimRequest claimAt(java.time.Instant now) {
    // reservations last past every call of a test, so a reserved job is not handed out again
    return new ClaimRequest(Set.of("t"), now, "o", c.t0.plus(java.time.Duration.ofDays(1)), 10);
  }

  // ---------------------------------------------------------------- delayed jobs

  @Test
  void aDueJobRunsBeforeAHigherPriorityJobThatIsNotDueYet() {
    Job delayed = c.insert(job("t").priority(9).runAt(c.t0.plusSeconds(60)));
    Job due = c.insert(job("t").runAt(c.t0.minusSeconds(1)));
    assertThat(store().reserve(claimAt(c.t0))).extracting(Job::id).containsExactly(due.id());
    assertThat(store().reserve(claimAt(c.t0.plusSeconds(59)))).isEmpty();
    assertThat(store().reserve(claimAt(c.t0.plusSeconds(60))))
        .extracting(Job::id)
        .containsExactly(delayed.id());
  }

  // ---------------------------------------------------------------- unique keys

  @Test
  void uniqueKeyAndCheckpointRoundTrip() {
    Job j =
        c.insert(
            job("t")
                .uniqueKey("gen:a cat:512")
                .checkpoint(Map.of("rows", 12, "bands", List.of(0, 1), "n", Map.of("x", "y"))));
    Job read = store().get(j.id()).orElseThrow();
    assertThat(read.uniqueKey()).isEqualTo("gen:a cat:512");
    assertThat(((Number) read.checkpoint().get("rows")).intValue()).isEqualTo(12);
    assertThat(read.checkpoint().get("bands")).asList().hasSize(2);
    assertThat(read.checkpoint().get("n")).isEqualTo(Map.of("x", "y"));
    Job plain = c.insert(job("t"));
    assertThat(store().get(plain.id()).orElseThrow().checkpoint()).isNull();
    Job next = c.next(read, JobStatus.RUNNING).toBuilder().checkpoint(Map.of("rows", 20)).build();
    assertThat(store().update(next, read.version())).isTrue();
    assertThat(((Number) store().get(j.id()).orElseThrow().checkpoint().get("rows")).intValue())
        .isEqualTo(20);
  }

  @Test
  void insertUniqueReturnsTheActiveHolderOfTheKey() {
    Job first = job("t").uniqueKey("k").userId("alice").build();
    assertThat(store().insertUnique(first).id()).isEqualTo(first.id());
    Job second = job("t").uniqueKey("k").userId("alice").build();
    assertThat(store().insertUnique(second).id()).isEqualTo(first.id());
    assertThat(store().get(second.id())).isEmpty();

    // another user, or another key, is another job; a null user is one user of its own
    Job bob = job("t").uniqueKey("k").userId("bob").build();
    assertThat(store().insertUnique(bob).id()).isEqualTo(bob.id());
    Job nobody = job("t").uniqueKey("k").build();
    assertThat(store().insertUnique(nobody).id()).isEqualTo(nobody.id());
    assertThat(store().insertUnique(job("t").uniqueKey("k").build()).id()).isEqualTo(nobody.id());
    Job otherKey = job("t").uniqueKey("k2").userId("alice").build();
    assertThat(store().insertUnique(otherKey).id()).isEqualTo(otherKey.id());

    // running still holds it; the holder comes back as it is now
    Job running = c.next(first, JobStatus.RUNNING);
    assertThat(store().update(running, first.version())).isTrue();
    Job third = job("t").uniqueKey("k").userId("alice").build();
    assertThat(store().insertUnique(third)).isEqualTo(running);

    // a finished job frees its key
    assertThat(store().update(c.next(running, JobStatus.COMPLETED), running.version())).isTrue();
    Job fourth = job("t").uniqueKey("k").userId("alice").build();
    assertThat(store().insertUnique(fourth).id()).isEqualTo(fourth.id());
    assertThat(store().get(fourth.id())).isPresent();
  }

  @Test
  void plainInsertAndRetryNeverMakeASecondHolder() {
    Job holder = c.insert(job("t").uniqueKey("k"));
    assertThatThrownBy(() -> store().insert(job("t").uniqueKey("k").build()))
        .isInstanceOf(UniqueKeyConflictException.class)
        .satisfies(
            e -> assertThat(((UniqueKeyConflictException) e).holderJobId()).isEqualTo(holder.id()));

    // an old failed job with the key may not be queued again while the holder is active
    Job old = c.insert(job("t").uniqueKey("k").status(JobStatus.FAILED).completedAt(c.t0));
    Job again = c.next(old, JobStatus.QUEUED);
    assertThatThrownBy(() -> store().update(again, old.version()))
        .isInstanceOf(UniqueKeyConflictException.class);
    assertThat(store().get(old.id()).orElseThrow()).isEqualTo(old);

    // once the holder is cancelled it may, and then it holds the key
    assertThat(store().update(c.next(holder, JobStatus.CANCELLED), holder.version())).isTrue();
    assertThat(store().update(again, old.version())).isTrue();
    Job later = job("t").uniqueKey("k").build();
    assertThat(store().insertUnique(later).id()).isEqualTo(old.id());
  }

  @Test
  void racingUniqueInsertsStoreExactlyOneJob() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        String key = "race-" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Job>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Job mine = job("t").uniqueKey(key).userId("u").build();
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store().insertUnique(mine);
                  }));
        }
        start.countDown();
        Set<String> winners = new HashSet<>();
        for (Future<Job> f : results) {
          winners.add(f.get(30, TimeUnit.SECONDS).id());
        }
        assertThat(winners).hasSize(1);
        assertThat(store().query(JobQuery.all()).stream().filter(j -> key.equals(j.uniqueKey())))
            .extracting(Job::id)
            .containsExactlyElementsOf(winners);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- recurring schedules

  private RecurringSchedule schedule(String id, java.time.Instant next) {
    return new RecurringSchedule(
        id,
        Schedule.every(java.time.Duration.ofMinutes(5)),
        JobRequest.builder("t", "cleanup")
            .userId("u")
            .input(Map.of("older_than_s", 600))
            .priority(3)
            .maxAttempts(2)
            .timeout(java.time.Duration.ofSeconds(90))
            .build(),
        false,
        next,
        null,
        null,
        1);
  }

  @Test
  void schedulesAreStoredListedChangedWithCompareAndSetAndDeleted() {
    RecurringSchedule a = schedule("b-nightly", c.t0);
    RecurringSchedule cron =
        new RecurringSchedule(
            "a-cron",
            Schedule.cron("0 3 * * MON-FRI", java.time.ZoneId.of("Europe/Berlin")),
            JobRequest.builder("t", "report").build(),
            true,
            null,
            c.t0,
            "job-9",
            4);
    assertThat(store().insertSchedule(a)).isTrue();
    assertThat(store().insertSchedule(schedule("b-nightly", c.t0.plusSeconds(1)))).isFalse();
    assertThat(store().insertSchedule(cron)).isTrue();
    assertThat(store().getSchedule("b-nightly")).contains(a);
    assertThat(store().getSchedule("a-cron")).contains(cron);
    assertThat(store().getSchedule("nope")).isEmpty();
    assertThat(store().schedules()).containsExactly(cron, a);

    RecurringSchedule paused =
        new RecurringSchedule(a.id(), a.schedule(), a.template(), true, null, null, null, 2);
    assertThat(store().updateSchedule(paused, 1)).isTrue();
    assertThat(store().updateSchedule(schedule("b-nightly", c.t0), 1)).isFalse();
    assertThat(store().getSchedule("b-nightly")).contains(paused);

    assertThat(store().deleteSchedule("b-nightly")).isTrue();
    assertThat(store().deleteSchedule("b-nightly")).isFalse();
    assertThat(store().schedules()).containsExactly(cron);
  }

  @Test
  void anOccurrenceFiresOnceAndAdvancesTheSchedule() {
    store().insertSchedule(schedule("s", c.t0));
    Job run = job("t").build();
    java.time.Instant next = c.t0.plusSeconds(300);
    assertThat(store().fireSchedule("s", c.t0, next, run)).isTrue();
    assertThat(store().get(run.id())).contains(run);
    RecurringSchedule after = store().getSchedule("s").orElseThrow();
    assertThat(after.nextRunAt()).isEqualTo(next);
    assertThat(after.lastRunAt()).isEqualTo(c.t0);
    assertThat(after.lastJobId()).isEqualTo(run.id());
    assertThat(after.version()).isEqualTo(2);

    Job again = job("t").build();
    assertThat(store().fireSchedule("s", c.t0, next.plusSeconds(300), again)).isFalse();
    assertThat(store().get(again.id())).isEmpty();
    assertThat(store().fireSchedule("missing", c.t0, next, again)).isFalse();
    assertThat(store().get(again.id())).isEmpty();
  }

  @Test
  void aPausedScheduleAndAHeldUniqueKeyFireNothing() {
    RecurringSchedule s = schedule("s", c.t0);
    store().insertSchedule(s);
    RecurringSchedule paused =
        new RecurringSchedule(s.id(), s.schedule(), s.template(), true, c.t0, null, null, 2);
    assertThat(store().updateSchedule(paused, 1)).isTrue();
    Job run = job("t").build();
    assertThat(store().fireSchedule("s", c.t0, c.t0.plusSeconds(300), run)).isFalse();
    assertThat(store().get(run.id())).isEmpty();

    RecurringSchedule active =
        new RecurringSchedule(s.id(), s.schedule(), s.template(), false, c.t0, null, null, 3);
    assertThat(store().updateSchedule(active, 2)).isTrue();
    Job holder = c.insert(job("t").uniqueKey("cleanup"));
    Job blocked = job("t").uniqueKey("cleanup").build();
    assertThatThrownBy(() -> store().fireSchedule("s", c.t0, c.t0.plusSeconds(300), blocked))
        .isInstanceOf(UniqueKeyConflictException.class);
    assertThat(store().get(blocked.id())).isEmpty();
    assertThat(store().getSchedule("s")).contains(active);
    assertThat(holder).isNotNull();
  }

  @Test
  void racingFiresOfOneOccurrenceSubmitOneJob() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      java.time.Instant occurrence = c.t0;
      store().insertSchedule(schedule("s", occurrence));
      for (int round = 0; round < 5; round++) {
        java.time.Instant at = occurrence;
        java.time.Instant next = at.plusSeconds(300);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Job mine = job("t").build();
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store().fireSchedule("s", at, next, mine);
                  }));
        }
        start.countDown();
        int fired = 0;
        for (Future<Boolean> f : results) {
          fired += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(fired).as("round %d", round).isEqualTo(1);
        occurrence = next;
      }
      assertThat(store().query(JobQuery.all())).hasSize(5);
      assertThat(store().getSchedule("s").orElseThrow().version()).isEqualTo(6);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void templatesRoundTripThroughTheirMap() {
    JobRequest t = schedule("s", c.t0).template();
    assertThat(Templates.fromMap(Templates.toMap(t))).isEqualTo(t);
    JobRequest minimal = JobRequest.builder("t", "x").cancelable(false).uniqueKey("k").build();
    assertThat(Templates.fromMap(Templates.toMap(minimal))).isEqualTo(minimal);
  }
}
