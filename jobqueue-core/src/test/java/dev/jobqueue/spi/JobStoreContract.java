package dev.jobqueue.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogLine;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The storage contract: every {@link JobStore} runs this suite unchanged by extending it and
 * implementing {@link #newStore()}. Each test gets a fresh, empty store.
 */
public abstract class JobStoreContract {

  /** A new, empty store. Called once per test; the suite closes it afterwards. */
  protected abstract JobStore newStore() throws Exception;

  protected JobStore store;
  private final AtomicInteger ids = new AtomicInteger();

  /** Whole milliseconds, so that stores with millisecond precision round-trip exactly. */
  protected final Instant t0 = Instant.parse("2026-01-02T03:04:05.678Z");

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  /** Delayed jobs, unique keys, checkpoints and schedules: {@link SchedulingContract}. */
  @Nested
  class Scheduling extends SchedulingContract {
    Scheduling() {
      super(JobStoreContract.this);
    }
  }

  // ---------------------------------------------------------------- helpers

  protected Job.Builder job(String type) {
    String id = "job-" + ids.incrementAndGet();
    return new Job.Builder()
        .id(id)
        .type(type)
        .status(JobStatus.QUEUED)
        .createdAt(t0.plusMillis(ids.get()))
        .updatedAt(t0.plusMillis(ids.get()))
        .title("Job " + id);
  }

  protected Job insert(Job.Builder b) {
    Job j = b.build();
    store.insert(j);
    return j;
  }

  protected Job next(Job j, JobStatus status) {
    return j.toBuilder()
        .status(status)
        .version(j.version() + 1)
        .updatedAt(j.updatedAt().plusMillis(1))
        .completedAt(status.isTerminal() ? j.updatedAt().plusMillis(1) : null)
        .build();
  }

  protected ClaimRequest claimAll(Set<String> types) {
    return new ClaimRequest(
        types, t0.plus(Duration.ofDays(1)), "owner-1", t0.plus(Duration.ofDays(1)).plusSeconds(30));
  }

  /** Reserves at most one job of {@code types} for owner-1; null when none is runnable. */
  protected Job reserve(String... types) {
    List<Job> r = store.reserve(claimAll(Set.of(types)));
    assertThat(r).hasSizeLessThanOrEqualTo(1);
    return r.isEmpty() ? null : r.get(0);
  }

  /** The snapshot a queue stores when it starts a job it reserved with {@code req}. */
  protected static Job started(Job queued, ClaimRequest req) {
    return queued.toBuilder()
        .status(JobStatus.RUNNING)
        .version(queued.version() + 1)
        .startedAt(req.now())
        .updatedAt(req.now())
        .completedAt(null)
        .runAt(null)
        .owner(req.owner())
        .leaseExpiresAt(req.leaseUntil())
        .build();
  }

  /** What a queue's worker does: reserves one job and starts it; null when none is runnable. */
  protected Job claim(ClaimRequest req) {
    List<Job> r = store.reserve(req);
    assertThat(r).hasSizeLessThanOrEqualTo(req.max());
    if (r.isEmpty()) {
      return null;
    }
    Job running = started(r.get(0), req);
    assertThat(store.update(running, r.get(0).version())).isTrue();
    return running;
  }

  protected Job claim(String... types) {
    return claim(claimAll(Set.of(types)));
  }

  // ---------------------------------------------------------------- insert / get

  @Test
  void insertedJobRoundTripsEveryField() {
    Job full =
        new Job.Builder()
            .id("full-1")
            .type("analyze")
            .status(JobStatus.RUNNING)
            .createdAt(t0)
            .startedAt(t0.plusSeconds(1))
            .completedAt(null)
            .updatedAt(t0.plusSeconds(2))
            .progress(0.25)
            .progressMessage("1/4 \"quoted\" ünïcode ✓")
            .currentStep(1)
            .totalSteps(4)
            .title("Analyzing <img src=x onerror=alert(1)>")
            .description("a description")
            .parentJobId("parent-9")
            .childJobIds(List.of("c1", "c2"))
            .result(Map.of("score", 0.5, "tags", List.of("a", "b"), "nested", Map.of("n", 3)))
            .error("previous error")
            .userId("alice")
            .cancelable(false)
            .priority(7)
            .attempt(2)
            .maxAttempts(5)
            .dependsOn(List.of("dep-1", "dep-2"))
            .optional(true)
            .etaSeconds(12.5)
            .warnings(List.of("w1", "w2"))
            .input(Map.of("image_id", "img-1", "analyses", Map.of("colors", true), "n", 42))
            .version(3)
            .runAt(t0.plusSeconds(9))
            .owner("node-a")
            .leaseExpiresAt(t0.plusSeconds(30))
            .cancelRequested(true)
            .tracked(true)
            .awaitingChildren(true)
            .timeout(java.time.Duration.ofMillis(90_500))
            .build();
    store.insert(full);
    Job read = store.get("full-1").orElseThrow();
    assertThat(read).usingRecursiveComparison().ignoringFields("result", "input").isEqualTo(full);
    assertThat(normalize(read.result())).isEqualTo(normalize(full.result()));
    assertThat(normalize(read.input())).isEqualTo(normalize(full.input()));
  }

  /** Numbers may come back as another Number type from JSON; compare by value. */
  @SuppressWarnings("unchecked")
  private static Object normalize(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new java.util.LinkedHashMap<>();
      m.forEach((k, val) -> out.put((String) k, normalize(val)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(JobStoreContract::normalize).toList();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return v;
  }

  @Test
  void resultAndInputNumbersKeepTheirValue() {
    Job j = insert(job("t").result(Map.of("i", 1, "l", 10_000_000_000L, "d", 0.1)));
    Map<String, Object> r = store.get(j.id()).orElseThrow().result();
    assertThat(((Number) r.get("i")).intValue()).isEqualTo(1);
    assertThat(((Number) r.get("l")).longValue()).isEqualTo(10_000_000_000L);
    assertThat(((Number) r.get("d")).doubleValue()).isEqualTo(0.1);
  }

  @Test
  void nullableFieldsStayNull() {
    Job j = insert(job("t"));
    Job read = store.get(j.id()).orElseThrow();
    assertThat(read).usingRecursiveComparison().isEqualTo(j);
    assertThat(read.result()).isNull();
    assertThat(read.startedAt()).isNull();
    assertThat(read.etaSeconds()).isNull();
    assertThat(read.currentStep()).isNull();
  }

  @Test
  void duplicateInsertIsRefusedAndKeepsTheFirst() {
    Job j = insert(job("t"));
    Job other = j.toBuilder().title("other").build();
    assertThatThrownBy(() -> store.insert(other))
        .isInstanceOf(DuplicateJobException.class)
        .hasMessageContaining(j.id());
    assertThat(store.get(j.id()).orElseThrow().title()).isEqualTo(j.title());
  }

  @Test
  void insertAllStoresEveryJob() {
    List<Job> jobs = List.of(job("t").build(), job("t").priority(3).build(), job("u").build());
    store.insertAll(jobs);
    for (Job j : jobs) {
      assertThat(store.get(j.id()).orElseThrow()).isEqualTo(j);
    }
    assertThat(claim("t").id()).isEqualTo(jobs.get(1).id());
    Job existing = jobs.get(0);
    assertThatThrownBy(() -> store.insertAll(List.of(existing.toBuilder().title("dup").build())))
        .isInstanceOf(DuplicateJobException.class);
    assertThat(store.get(existing.id()).orElseThrow().title()).isEqualTo(existing.title());
  }

  @Test
  void unknownIdIsEmpty() {
    assertThat(store.get("nope")).isEmpty();
  }

  // ---------------------------------------------------------------- query

  @Test
  void queryFiltersAndOrdersNewestFirst() {
    Job a = insert(job("analyze").userId("alice"));
    Job b = insert(job("generate").userId("bob"));
    Job c = insert(job("analyze").userId("alice").parentJobId(a.id()).title("Colour palette"));
    Job d =
        insert(
            job("analyze").status(JobStatus.COMPLETED).completedAt(t0).dependsOn(List.of(a.id())));

    assertThat(ids(store.query(JobQuery.builder().build())))
        .containsExactly(d.id(), c.id(), b.id(), a.id());
    assertThat(ids(store.query(JobQuery.builder().type("analyze").build())))
        .containsExactly(d.id(), c.id(), a.id());
    assertThat(ids(store.query(JobQuery.builder().userId("alice").build())))
        .containsExactly(c.id(), a.id());
    assertThat(ids(store.query(JobQuery.builder().parentJobId(a.id()).build())))
        .containsExactly(c.id());
    assertThat(ids(store.query(JobQuery.builder().status(JobStatus.COMPLETED).build())))
        .containsExactly(d.id());
    assertThat(
            ids(
                store.query(
                    JobQuery.builder()
                        .status(JobStatus.QUEUED, JobStatus.COMPLETED)
                        .type("analyze")
                        .userId("alice")
                        .build())))
        .containsExactly(c.id(), a.id());
    assertThat(ids(store.query(JobQuery.builder().text("PALETTE").build())))
        .containsExactly(c.id());
    assertThat(ids(store.query(JobQuery.builder().dependsOn(a.id()).build())))
        .containsExactly(d.id());
    assertThat(ids(store.query(JobQuery.builder().limit(2).build())))
        .containsExactly(d.id(), c.id());
  }

  @Test
  void queryTextTreatsWildcardCharactersLiterally() {
    insert(job("t").title("100% done"));
    insert(job("t").title("1000 done"));
    insert(job("t").title("a_b"));
    insert(job("t").title("axb"));
    assertThat(store.query(JobQuery.builder().text("0%").build()))
        .extracting(Job::title)
        .containsExactly("100% done");
    assertThat(store.query(JobQuery.builder().text("a_b").build()))
        .extracting(Job::title)
        .containsExactly("a_b");
  }

  @Test
  void jobsCreatedInTheSameInstantKeepInsertionOrder() {
    List<String> inserted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inserted.add(insert(job("t").createdAt(t0).updatedAt(t0)).id());
    }
    List<String> newestFirst = new ArrayList<>(inserted);
    java.util.Collections.reverse(newestFirst);
    assertThat(ids(store.query(JobQuery.builder().build()))).containsExactlyElementsOf(newestFirst);
  }

  // ---------------------------------------------------------------- update (CAS)

  @Test
  void updateSucceedsOnlyWithTheCurrentVersion() {
    Job j = insert(job("t"));
    Job running = next(j, JobStatus.RUNNING);
    assertThat(store.update(running, 1)).isTrue();
    assertThat(store.get(j.id()).orElseThrow()).isEqualTo(running);

    Job stale = next(j, JobStatus.CANCELLED);
    assertThat(store.update(stale, 1)).as("stale version").isFalse();
    assertThat(store.get(j.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

    assertThat(store.update(next(running, JobStatus.COMPLETED), 2)).isTrue();
    assertThat(store.get(j.id()).orElseThrow().version()).isEqualTo(3);
  }

  @Test
  void updateOfMissingJobIsFalse() {
    Job ghost = job("t").build();
    assertThat(store.update(next(ghost, JobStatus.RUNNING), 1)).isFalse();
    assertThat(store.get(ghost.id())).isEmpty();
  }

  @Test
  void progressUpdateIsVisibleAtOnceAndChainsWithTheNextUpdate() {
    Job running = next(insert(job("t")), JobStatus.RUNNING);
    assertThat(store.update(running, 1)).isTrue();
    Job p = running;
    for (int i = 1; i <= 20; i++) {
      Job np =
          p.toBuilder()
              .progress(i / 20.0)
              .progressMessage("step " + i)
              .version(p.version() + 1)
              .build();
      assertThat(store.updateProgress(np, p.version())).isTrue();
      p = np;
      assertThat(store.get(running.id()).orElseThrow()).isEqualTo(p);
    }
    Job done = next(p, JobStatus.COMPLETED);
    assertThat(store.update(done, p.version())).isTrue();
    assertThat(store.get(running.id()).orElseThrow()).isEqualTo(done);
  }

  @Test
  void conflictingProgressUpdateIsDropped() {
    Job running = next(insert(job("t")), JobStatus.RUNNING);
    store.update(running, 1);
    Job cancelled = next(running, JobStatus.CANCELLED);
    assertThat(store.update(cancelled, running.version())).isTrue();
    assertThat(
            store.updateProgress(
                running.toBuilder().progress(0.9).version(running.version() + 1).build(),
                running.version()))
        .isFalse();
    assertThat(store.get(running.id()).orElseThrow()).isEqualTo(cancelled);
  }

  @Test
  void concurrentCompareAndSetLosesNoUpdate() throws Exception {
    Job j = insert(job("t").result(Map.of("n", 0)));
    int threads = 8;
    int perThread = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  while (true) {
                    Job cur = store.get(j.id()).orElseThrow();
                    int n = ((Number) cur.result().get("n")).intValue();
                    Job nx =
                        cur.toBuilder()
                            .result(Map.of("n", n + 1))
                            .version(cur.version() + 1)
                            .build();
                    if (store.update(nx, cur.version())) {
                      break;
                    }
                  }
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : fs) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    Job end = store.get(j.id()).orElseThrow();
    assertThat(((Number) end.result().get("n")).intValue()).isEqualTo(threads * perThread);
    assertThat(end.version()).isEqualTo(1 + threads * perThread);
  }

  // ---------------------------------------------------------------- delete

  @Test
  void deleteNeedsTheCurrentVersion() {
    Job j = insert(job("t").status(JobStatus.COMPLETED).completedAt(t0));
    assertThat(store.delete(j.id(), 7)).isFalse();
    assertThat(store.get(j.id())).isPresent();
    assertThat(store.delete(j.id(), 1)).isTrue();
    assertThat(store.get(j.id())).isEmpty();
    assertThat(store.delete(j.id(), 1)).isFalse();
    assertThat(store.query(JobQuery.all())).isEmpty();
  }

  // ---------------------------------------------------------------- reservations

  @Test
  void aReservedJobStaysQueuedWithTheSameSnapshot() {
    Job j = insert(job("t").runAt(t0));
    Job r = reserve("t");
    assertThat(r).isEqualTo(j);
    assertThat(store.get(j.id()).orElseThrow()).isEqualTo(j);
    assertThat(store.query(JobQuery.builder().status(JobStatus.QUEUED).build())).containsExactly(j);
    assertThat(reserve("t")).as("reserved once").isNull();
  }

  @Test
  void startingAReservedJobMarksItRunningForTheOwner() {
    Job j = insert(job("t").runAt(t0));
    ClaimRequest req = claimAll(Set.of("t"));
    Job c = claim(req);
    assertThat(c.id()).isEqualTo(j.id());
    assertThat(c.version()).isEqualTo(2);
    assertThat(store.get(j.id()).orElseThrow()).isEqualTo(c);
    assertThat(store.reserve(req)).isEmpty();
  }

  @Test
  void anotherOwnerGetsAReservedJobOnlyOnceTheReservationLapses() {
    Job j = insert(job("t"));
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(10))))
        .containsExactly(j);
    assertThat(
            store.reserve(
                new ClaimRequest(Set.of("t"), t0.plusSeconds(5), "B", t0.plusSeconds(40))))
        .isEmpty();
    assertThat(
            store.reserve(
                new ClaimRequest(Set.of("t"), t0.plusSeconds(5), "A", t0.plusSeconds(40))))
        .as("not even to its owner twice")
        .isEmpty();
    assertThat(
            store.reserve(
                new ClaimRequest(Set.of("t"), t0.plusSeconds(11), "B", t0.plusSeconds(40))))
        .containsExactly(j);
  }

  @Test
  void renewingLeasesExtendsTheOwnersReservations() {
    Job a = insert(job("t"));
    Job b = insert(job("t"));
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(10), 1)))
        .containsExactly(a);
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(10), 1)))
        .containsExactly(b);
    store.renewLeases("A", List.of(), t0.plusSeconds(60));
    assertThat(
            store.reserve(
                new ClaimRequest(Set.of("t"), t0.plusSeconds(20), "C", t0.plusSeconds(90), 5)))
        .as("A's reservation was renewed, B's lapsed")
        .containsExactly(b);
    assertThat(
            store.reserve(
                new ClaimRequest(Set.of("t"), t0.plusSeconds(61), "D", t0.plusSeconds(90), 5)))
        .containsExactly(a);
  }

  @Test
  void releasingMakesAReservedJobRunnableAtOnceButOnlyForItsOwner() {
    Job j = insert(job("t"));
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(30))))
        .containsExactly(j);
    store.release("B", List.of(j.id(), "no-such-job"));
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(30)))).isEmpty();
    store.release("A", List.of(j.id()));
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(30))))
        .containsExactly(j);
  }

  @Test
  void aChangeOfTheJobEndsItsReservation() {
    Job j = insert(job("t"));
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(30))))
        .containsExactly(j);
    Job cancelled = next(j, JobStatus.CANCELLED);
    assertThat(store.update(cancelled, 1)).isTrue();
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(30)))).isEmpty();
    Job retried = next(cancelled, JobStatus.QUEUED);
    assertThat(store.update(retried, 2)).isTrue();
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(30))))
        .as("the retried job is a new version: A's reservation ended")
        .containsExactly(retried);
  }

  @Test
  void aReservedJobCancelledBeforeItsStartNeverStarts() throws Exception {
    Job j = insert(job("t"));
    ClaimRequest req = claimAll(Set.of("t"));
    Job reserved = single(store.reserve(req));
    assertThat(store.update(next(j, JobStatus.CANCELLED), 1)).isTrue();
    assertThat(
            store.updateAsync(started(reserved, req), reserved.version()).get(30, TimeUnit.SECONDS))
        .isFalse();
    assertThat(store.get(j.id()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void aDeletedReservedJobIsGone() {
    Job j = insert(job("t"));
    assertThat(reserve("t")).isEqualTo(j);
    assertThat(store.delete(j.id(), 1)).isTrue();
    store.release("owner-1", List.of(j.id()));
    assertThat(reserve("t")).isNull();
    Job k = insert(job("t"));
    assertThat(reserve("t")).isEqualTo(k);
  }

  @Test
  void concurrentReservationsNeverTakeAJobTwiceAndLeaveItQueued() throws Exception {
    int jobs = 300;
    for (int i = 0; i < jobs; i++) {
      insert(job("t").priority(i % 3));
    }
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Set<String> reserved = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String owner = "owner-" + t;
      fs.add(
          pool.submit(
              () -> {
                start.await();
                while (true) {
                  List<Job> r =
                      store.reserve(
                          new ClaimRequest(
                              Set.of("t"),
                              t0.plusSeconds(1),
                              owner,
                              t0.plusSeconds(31),
                              1 + reserved.size() % 4));
                  if (r.isEmpty()) {
                    return null;
                  }
                  for (Job j : r) {
                    if (!reserved.add(j.id())) {
                      duplicates.incrementAndGet();
                    }
                    assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
                  }
                }
              }));
    }
    start.countDown();
    for (Future<?> f : fs) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(duplicates.get()).isZero();
    assertThat(reserved).hasSize(jobs);
    assertThat(store.query(JobQuery.builder().status(JobStatus.QUEUED).limit(1000).build()))
        .hasSize(jobs);
  }

  @Test
  void claimOrderIsPriorityThenFifo() {
    Job low1 = insert(job("t").priority(0));
    Job high1 = insert(job("t").priority(5));
    Job low2 = insert(job("t").priority(0));
    Job high2 = insert(job("t").priority(5));
    Job neg = insert(job("t").priority(-3));
    assertThat(
            List.of(
                claim("t").id(),
                claim("t").id(),
                claim("t").id(),
                claim("t").id(),
                claim("t").id()))
        .containsExactly(high1.id(), high2.id(), low1.id(), low2.id(), neg.id());
    assertThat(claim("t")).isNull();
  }

  @Test
  void claimTakesOnlyRequestedTypesAndSkipsTrackedAndNonQueued() {
    insert(job("other"));
    insert(job("t").tracked(true));
    insert(job("t").status(JobStatus.COMPLETED).completedAt(t0));
    insert(job("t").status(JobStatus.RUNNING));
    Job ok = insert(job("t"));
    assertThat(claim("t").id()).isEqualTo(ok.id());
    assertThat(claim("t")).isNull();
    assertThat(claim("nothing")).isNull();
  }

  @Test
  void claimWaitsForRunAt() {
    Job later = insert(job("t").runAt(t0.plusSeconds(60)));
    ClaimRequest early = new ClaimRequest(Set.of("t"), t0, "o", t0.plusSeconds(30));
    assertThat(store.reserve(early)).isEmpty();
    ClaimRequest onTime =
        new ClaimRequest(Set.of("t"), t0.plusSeconds(60), "o", t0.plusSeconds(90));
    assertThat(single(store.reserve(onTime)).id()).isEqualTo(later.id());
  }

  @Test
  void claimHonoursDependencies() {
    Job dep1 = insert(job("dep"));
    Job dep2 = insert(job("dep"));
    Job dependent = insert(job("t").priority(10).dependsOn(List.of(dep1.id(), dep2.id())));
    Job free = insert(job("t"));
    assertThat(claim("t").id()).as("blocked job is skipped").isEqualTo(free.id());
    assertThat(claim("t")).isNull();

    store.update(next(dep1, JobStatus.COMPLETED), 1);
    assertThat(claim("t")).as("one dependency still open").isNull();
    Job dep2Failed = next(dep2, JobStatus.FAILED);
    store.update(dep2Failed, 1);
    assertThat(claim("t")).as("a failed dependency never satisfies").isNull();

    Job dep2Retried = next(dep2Failed, JobStatus.QUEUED);
    store.update(dep2Retried, 2);
    store.update(next(dep2Retried, JobStatus.COMPLETED), 3);
    assertThat(claim("t").id()).isEqualTo(dependent.id());
  }

  @Test
  void deletedDependencyCountsAsDone() {
    Job dep = insert(job("dep").status(JobStatus.COMPLETED).completedAt(t0));
    Job dependent = insert(job("t").dependsOn(List.of(dep.id())));
    assertThat(store.delete(dep.id(), 1)).isTrue();
    assertThat(claim("t").id()).isEqualTo(dependent.id());
  }

  @Test
  void requeuedJobCanBeClaimedAgain() {
    insert(job("t"));
    Job c = claim("t");
    Job requeued =
        c.toBuilder()
            .status(JobStatus.QUEUED)
            .version(c.version() + 1)
            .attempt(2)
            .owner(null)
            .leaseExpiresAt(null)
            .build();
    assertThat(store.update(requeued, c.version())).isTrue();
    Job again = claim("t");
    assertThat(again.id()).isEqualTo(c.id());
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(again.version()).isEqualTo(c.version() + 2);
  }

  @Test
  void claimRacingWithUpdatesStaysConsistent() throws Exception {
    int jobs = 200;
    List<Job> inserted = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      inserted.add(insert(job("t")));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Set<String> claimed = ConcurrentHashMap.newKeySet();
    Set<String> cancelled = ConcurrentHashMap.newKeySet();
    CountDownLatch start = new CountDownLatch(1);
    Future<?> claimer1 = pool.submit(() -> claimLoop(start, claimed));
    Future<?> claimer2 = pool.submit(() -> claimLoop(start, claimed));
    Future<?> canceller =
        pool.submit(
            () -> {
              start.await();
              for (Job j : inserted) {
                if (store.update(next(j, JobStatus.CANCELLED), 1)) {
                  cancelled.add(j.id());
                }
              }
              return null;
            });
    start.countDown();
    claimer1.get(60, TimeUnit.SECONDS);
    claimer2.get(60, TimeUnit.SECONDS);
    canceller.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    Set<String> both = new HashSet<>(claimed);
    both.retainAll(cancelled);
    assertThat(both).as("claimed and cancelled").isEmpty();
    assertThat(claimed.size() + cancelled.size()).isEqualTo(jobs);
    for (Job j : inserted) {
      JobStatus s = store.get(j.id()).orElseThrow().status();
      assertThat(s).isEqualTo(claimed.contains(j.id()) ? JobStatus.RUNNING : JobStatus.CANCELLED);
    }
  }

  /** Reserves and starts jobs, as a worker does, until three reservations in a row find none. */
  private Object claimLoop(CountDownLatch start, Set<String> claimed) throws InterruptedException {
    start.await();
    for (int idle = 0; idle < 3; ) {
      ClaimRequest req = claimAll(Set.of("t"));
      List<Job> r = store.reserve(req);
      if (r.isEmpty()) {
        idle++;
        continue;
      }
      Job reserved = r.get(0);
      if (store.update(started(reserved, req), reserved.version())) {
        assertThat(claimed.add(reserved.id())).isTrue();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- leases

  @Test
  void leasesAreRenewedPerOwnerAndExpiredOnesFound() {
    insert(job("t"));
    insert(job("t"));
    Job a = claim(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(10)));
    Job b = claim(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(10)));
    insert(job("t").status(JobStatus.COMPLETED).completedAt(t0));

    assertThat(store.expiredLeases(t0.plusSeconds(5), 10)).isEmpty();
    assertThat(store.renewLeases("A", List.of(a.id()), t0.plusSeconds(60)))
        .isEqualTo(new LeaseRenewal(1, Set.of(), Set.of()));
    assertThat(store.get(a.id()).orElseThrow().leaseExpiresAt()).isEqualTo(t0.plusSeconds(60));
    assertThat(ids(store.expiredLeases(t0.plusSeconds(20), 10))).containsExactly(b.id());
    assertThat(ids(store.expiredLeases(t0.plusSeconds(61), 10)))
        .containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(store.expiredLeases(t0.plusSeconds(61), 1)).hasSize(1);
    assertThat(store.renewLeases("nobody", List.of(), t0.plusSeconds(60)))
        .isEqualTo(LeaseRenewal.NONE);
  }

  @Test
  void theHeartbeatAnswersWhichOfTheOwnersJobsItLost() {
    for (int i = 0; i < 4; i++) {
      insert(job("t"));
    }
    ClaimRequest byA = new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(10));
    Job kept = claim(byA);
    Job recovered = claim(byA);
    Job rerunByB = claim(byA);
    Job deleted = claim(byA);
    // another instance recovered two of them (A's lease lapsed) and runs one of those again
    Job requeued = requeued(recovered);
    assertThat(store.update(requeued, recovered.version())).isTrue();
    Job requeuedToo = requeued(rerunByB);
    assertThat(store.update(requeuedToo, rerunByB.version())).isTrue();
    ClaimRequest byB = new ClaimRequest(Set.of("t"), t0.plusSeconds(20), "B", t0.plusSeconds(60));
    Job runningOnB = started(requeuedToo, byB);
    assertThat(store.update(runningOnB, requeuedToo.version())).isTrue();
    assertThat(store.delete(deleted.id(), deleted.version())).isTrue();

    LeaseRenewal r =
        store.renewLeases(
            "A",
            List.of(kept.id(), recovered.id(), rerunByB.id(), deleted.id(), "never-stored"),
            t0.plusSeconds(60));

    assertThat(r.renewed()).isEqualTo(1);
    assertThat(r.lost())
        .containsExactlyInAnyOrder(recovered.id(), rerunByB.id(), deleted.id(), "never-stored");
    assertThat(r.cancelRequested()).isEmpty();
    assertThat(store.get(runningOnB.id()).orElseThrow())
        .as("A's renewal leaves B's job alone")
        .isEqualTo(runningOnB);
    assertThat(store.get(kept.id()).orElseThrow().version())
        .as("a renewal keeps the version")
        .isEqualTo(kept.version());
  }

  @Test
  void theHeartbeatAnswersWhichOfTheOwnersJobsWereAskedToCancel() {
    for (int i = 0; i < 3; i++) {
      insert(job("t"));
    }
    Job asked = claim(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(10)));
    Job notAsked = claim(new ClaimRequest(Set.of("t"), t0, "A", t0.plusSeconds(10)));
    Job others = claim(new ClaimRequest(Set.of("t"), t0, "B", t0.plusSeconds(10)));
    // a cancel asked through any instance: the job stays running, flagged
    Job flagged = asked.toBuilder().cancelRequested(true).version(asked.version() + 1).build();
    assertThat(store.update(flagged, asked.version())).isTrue();
    Job othersFlagged =
        others.toBuilder().cancelRequested(true).version(others.version() + 1).build();
    assertThat(store.update(othersFlagged, others.version())).isTrue();

    LeaseRenewal r =
        store.renewLeases("A", List.of(asked.id(), notAsked.id(), others.id()), t0.plusSeconds(60));

    assertThat(r.renewed()).isEqualTo(2);
    assertThat(r.cancelRequested()).containsExactly(asked.id());
    assertThat(r.lost()).as("B's job was never A's").containsExactly(others.id());
    Job after = store.get(asked.id()).orElseThrow();
    assertThat(after.cancelRequested()).isTrue();
    assertThat(after.leaseExpiresAt()).isEqualTo(t0.plusSeconds(60));
    assertThat(store.renewLeases("A", List.of(), t0.plusSeconds(70)).cancelRequested())
        .as("only the ids asked about are answered")
        .isEmpty();
  }

  /** What a recovery writes: the job queued again for another attempt, owned by nobody. */
  private static Job requeued(Job running) {
    return running.toBuilder()
        .status(JobStatus.QUEUED)
        .version(running.version() + 1)
        .attempt(running.attempt() + 1)
        .owner(null)
        .leaseExpiresAt(null)
        .startedAt(null)
        .error(Job.INTERRUPTED_ERROR)
        .build();
  }

  // ---------------------------------------------------------------- purge and counts

  @Test
  void purgeRemovesOldTerminalJobsAndKeepsTheNewestN() {
    Instant now = t0.plus(2, ChronoUnit.DAYS);
    Job oldDone = insert(job("t").status(JobStatus.COMPLETED).completedAt(t0));
    Job oldQueued = insert(job("t"));
    Job oldRunning = insert(job("t").status(JobStatus.RUNNING));
    List<Job> recent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      recent.add(
          insert(
              job("t")
                  .status(i % 2 == 0 ? JobStatus.FAILED : JobStatus.CANCELLED)
                  .completedAt(now.minusSeconds(100 - i))));
    }
    List<Job> deleted = store.purge(now.minus(1, ChronoUnit.DAYS), 3);
    assertThat(deleted).as("the deleted snapshots are returned").contains(oldDone);
    assertThat(ids(deleted))
        .containsExactlyInAnyOrder(oldDone.id(), recent.get(0).id(), recent.get(1).id());
    assertThat(ids(store.query(JobQuery.all())))
        .containsExactlyInAnyOrder(
            oldQueued.id(),
            oldRunning.id(),
            recent.get(2).id(),
            recent.get(3).id(),
            recent.get(4).id());
    assertThat(store.purge(now.minus(1, ChronoUnit.DAYS), 3)).isEmpty();
  }

  @Test
  void purgeCountsOnlyJobsFinishedNowAndTakesAJobFinishedTwiceOnce() {
    Job a = insert(job("t"));
    Job aDone = next(a, JobStatus.COMPLETED);
    assertThat(store.update(aDone, 1)).isTrue();
    Job aRetried = next(aDone, JobStatus.QUEUED);
    assertThat(store.update(aRetried, 2)).isTrue();
    Job b = insert(job("t"));
    assertThat(store.update(next(b, JobStatus.FAILED), 1)).isTrue();
    Job c = insert(job("t"));
    assertThat(store.update(next(c, JobStatus.CANCELLED), 1)).isTrue();
    Instant longAgo = t0.minusSeconds(3600);
    assertThat(store.purge(longAgo, 2)).as("b and c are finished, a runs again: 2 kept").isEmpty();

    assertThat(store.update(next(aRetried, JobStatus.FAILED), 3)).isTrue();
    assertThat(store.delete(c.id(), 2)).isTrue();
    List<Job> purged = store.purge(longAgo, 0);
    assertThat(ids(purged)).containsExactlyInAnyOrder(a.id(), b.id());
    assertThat(purged)
        .filteredOn(j -> j.id().equals(a.id()))
        .singleElement()
        .extracting(Job::version)
        .isEqualTo(4L);
    assertThat(store.query(JobQuery.all())).isEmpty();
    assertThat(store.purge(longAgo, 0)).isEmpty();
  }

  @Test
  void countsPerTypeAndStatus() {
    insert(job("a").userId("u1"));
    insert(job("a").userId("u1").status(JobStatus.COMPLETED).completedAt(t0));
    insert(job("a").userId("u2").status(JobStatus.COMPLETED).completedAt(t0));
    insert(job("b").userId("u2").status(JobStatus.FAILED).completedAt(t0));
    Map<String, Map<JobStatus, Long>> all = store.countByTypeAndStatus(null);
    assertThat(all.get("a"))
        .containsEntry(JobStatus.QUEUED, 1L)
        .containsEntry(JobStatus.COMPLETED, 2L);
    assertThat(all.get("b")).containsEntry(JobStatus.FAILED, 1L);
    Map<String, Map<JobStatus, Long>> u1 = store.countByTypeAndStatus("u1");
    assertThat(u1).containsOnlyKeys("a");
    assertThat(u1.get("a"))
        .containsEntry(JobStatus.QUEUED, 1L)
        .containsEntry(JobStatus.COMPLETED, 1L);
  }

  private static Job single(List<Job> jobs) {
    assertThat(jobs).hasSize(1);
    return jobs.get(0);
  }

  @Test
  void batchReservationTakesJobsInClaimOrderUpToMax() {
    Job a = insert(job("t").priority(1));
    Job b = insert(job("t"));
    Job c = insert(job("t").priority(2));
    insert(job("t").tracked(true));
    List<Job> first =
        store.reserve(new ClaimRequest(Set.of("t"), t0.plusSeconds(1), "o", t0.plusSeconds(9), 2));
    assertThat(ids(first)).containsExactly(c.id(), a.id());
    List<Job> rest =
        store.reserve(new ClaimRequest(Set.of("t"), t0.plusSeconds(1), "o", t0.plusSeconds(9), 10));
    assertThat(ids(rest)).containsExactly(b.id());
  }

  @Test
  void asyncUpdateCompletesAfterTheChangeIsStored() throws Exception {
    Job j = insert(job("t"));
    Job running = next(j, JobStatus.RUNNING);
    assertThat(store.updateAsync(running, 1).get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(store.get(j.id()).orElseThrow()).isEqualTo(running);
    assertThat(store.updateAsync(next(j, JobStatus.CANCELLED), 1).get(30, TimeUnit.SECONDS))
        .isFalse();
    List<java.util.concurrent.CompletableFuture<Boolean>> fs = new ArrayList<>();
    List<Job> others = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Job o = insert(job("t"));
      others.add(o);
      fs.add(store.updateAsync(next(o, JobStatus.CANCELLED), 1));
    }
    for (int i = 0; i < fs.size(); i++) {
      assertThat(fs.get(i).get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(store.get(others.get(i).id()).orElseThrow().status())
          .isEqualTo(JobStatus.CANCELLED);
    }
  }

  // ---------------------------------------------------------------- job logs and paused types

  /**
   * For a persistent store: closes {@code closing} and opens a store on the same data again. The
   * default, null, means the store keeps nothing across a close; the persistence checks then skip.
   */
  protected JobStore reopen(JobStore closing) throws Exception {
    return null;
  }

  private JobStore reopenOrSkip() throws Exception {
    JobStore again = reopen(store);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        again != null, "the store keeps nothing across a close (reopen not overridden)");
    store = again;
    return again;
  }

  protected static JobLog jobLog(String jobId, int attempt, long dropped, String... texts) {
    List<JobLogLine> lines = new ArrayList<>();
    Instant at = Instant.parse("2026-01-02T03:04:05.678Z");
    for (int i = 0; i < texts.length; i++) {
      lines.add(new JobLogLine(at.plusMillis(i), texts[i]));
    }
    return new JobLog(jobId, attempt, lines, dropped);
  }

  @Test
  void logsAreKeptPerAttemptEachReplacedByItsNewerLog() {
    Job j = insert(job("t"));
    store.writeLog(jobLog(j.id(), 1, 0, "a", "b"));
    store.writeLog(jobLog(j.id(), 2, 0, "x"));
    store.writeLog(jobLog(j.id(), 1, 3, "b", "c", "d"));
    assertThat(store.logs(j.id()))
        .containsExactly(jobLog(j.id(), 1, 3, "b", "c", "d"), jobLog(j.id(), 2, 0, "x"));
  }

  @Test
  void aFullLogRoundTripsExactly() {
    Job j = insert(job("t"));
    String[] texts = new String[JobLog.MAX_LINES];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = "line " + i + " \"quoted\" <b>ünïcode</b> ✓ 😀 \t tab, back\\slash";
    }
    texts[0] = "x".repeat(JobLog.MAX_LINE_CHARS);
    texts[1] = "";
    JobLog full = jobLog(j.id(), 1, 99_500, texts);
    store.writeLog(full);
    assertThat(store.logs(j.id())).containsExactly(full);
    assertThat(store.logs(j.id()).get(0).droppedMarker()).isEqualTo("99500 earlier lines dropped");
  }

  @Test
  void aLogOfAnUnknownJobIsDropped() {
    store.writeLog(jobLog("no-such-job", 1, 0, "a"));
    assertThat(store.logs("no-such-job")).isEmpty();
    Job j = insert(job("t"));
    assertThat(store.logs(j.id())).isEmpty();
  }

  @Test
  void logsAreDeletedWithTheirJob() throws Exception {
    Job deleted = insert(job("t"));
    Job purged = insert(job("t").status(JobStatus.COMPLETED).completedAt(t0));
    Job kept = insert(job("t"));
    for (Job j : List.of(deleted, purged, kept)) {
      store.writeLog(jobLog(j.id(), 1, 0, "line of " + j.id()));
    }
    assertThat(store.delete(deleted.id(), 1)).isTrue();
    assertThat(store.purge(t0.plusSeconds(1), 0)).extracting(Job::id).containsExactly(purged.id());
    store.writeLog(jobLog(deleted.id(), 1, 0, "written after the delete"));
    assertThat(store.logs(deleted.id())).isEmpty();
    assertThat(store.logs(purged.id())).isEmpty();
    assertThat(store.logs(kept.id()))
        .containsExactly(jobLog(kept.id(), 1, 0, "line of " + kept.id()));
    JobStore again = reopen(store);
    if (again != null) { // and nothing comes back from a deferred write
      store = again;
      assertThat(store.logs(deleted.id())).isEmpty();
      assertThat(store.logs(kept.id()))
          .containsExactly(jobLog(kept.id(), 1, 0, "line of " + kept.id()));
    }
  }

  @Test
  void logsAreDurable() throws Exception {
    Job j = insert(job("t"));
    store.writeLog(jobLog(j.id(), 1, 0, "one"));
    store.writeLog(jobLog(j.id(), 1, 7, "one", "two"));
    reopenOrSkip();
    assertThat(store.logs(j.id())).containsExactly(jobLog(j.id(), 1, 7, "one", "two"));
  }

  @Test
  void pausedTypesAreSetIdempotentlyAndResumed() {
    assertThat(store.pausedTypes()).isEmpty();
    store.pauseType("a");
    store.pauseType("a");
    store.pauseType("b c/ü");
    assertThat(store.pausedTypes()).containsExactlyInAnyOrder("a", "b c/ü");
    store.resumeType("a");
    store.resumeType("never-paused");
    assertThat(store.pausedTypes()).containsExactly("b c/ü");
  }

  @Test
  void pausedTypesArePersisted() throws Exception {
    store.pauseType("a");
    store.pauseType("b");
    store.resumeType("b");
    reopenOrSkip();
    assertThat(store.pausedTypes()).containsExactly("a");
  }

  @Test
  void aQueueNeverClaimsAPausedTypeWhileItRunsOthers() throws Exception {
    try (dev.jobqueue.JobQueue queue =
        dev.jobqueue.JobQueue.builder()
            .store(store)
            .workers(1)
            .handler("paused", ctx -> java.util.Map.of())
            .handler("other", ctx -> java.util.Map.of())
            .build()) {
      queue.pause("paused");
      assertThat(store.pausedTypes()).containsExactly("paused");
      Job p = queue.submit(dev.jobqueue.JobRequest.builder("paused", "p").build());
      Job o1 = queue.submit(dev.jobqueue.JobRequest.builder("other", "o1").build());
      Job o2 = queue.submit(dev.jobqueue.JobRequest.builder("other", "o2").build());
      // one worker, FIFO: had the paused job been claimable, it would have run before o1
      assertThat(queue.await(o1.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      assertThat(queue.await(o2.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      assertThat(queue.get(p.id()).status()).isEqualTo(JobStatus.QUEUED);
      queue.resume("paused");
      assertThat(queue.pausedTypes()).isEmpty();
      assertThat(queue.await(p.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
  }

  @Test
  void aQueueKeepsTheNewestLinesOfEachAttemptAndDeletesThemWithTheJob() throws Exception {
    int lines = 3 * JobLog.MAX_LINES;
    try (dev.jobqueue.JobQueue queue =
        dev.jobqueue.JobQueue.builder()
            .store(store)
            .workers(1)
            .handler(
                "t",
                ctx -> {
                  for (int i = 0; i < lines; i++) {
                    ctx.log("attempt " + ctx.attempt() + " line " + i);
                  }
                  if (ctx.attempt() == 1) {
                    throw new IllegalStateException("first attempt fails");
                  }
                  return java.util.Map.of();
                })
            .build()) {
      Job j = queue.submit(dev.jobqueue.JobRequest.builder("t", "logging").build());
      assertThat(queue.await(j.id(), Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.FAILED);
      queue.retry(j.id());
      assertThat(queue.await(j.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      List<JobLog> logs = queue.logs(j.id());
      assertThat(logs).extracting(JobLog::attempt).containsExactly(1, 2);
      for (JobLog l : logs) {
        assertThat(l.dropped()).isEqualTo(lines - JobLog.MAX_LINES);
        assertThat(l.lines()).hasSize(JobLog.MAX_LINES);
        assertThat(l.lines().get(0).text())
            .isEqualTo("attempt " + l.attempt() + " line " + (lines - JobLog.MAX_LINES));
        assertThat(l.lines().get(JobLog.MAX_LINES - 1).text())
            .isEqualTo("attempt " + l.attempt() + " line " + (lines - 1));
      }
      assertThat(store.logs(j.id())).isEqualTo(logs);
      queue.delete(j.id());
      assertThat(store.logs(j.id())).isEmpty();
    }
  }

  protected static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).toList();
  }
}
