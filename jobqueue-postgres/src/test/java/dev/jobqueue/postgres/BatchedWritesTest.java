package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writer sends many changes as one statement: a list of jobs as one insert, the updates queued
 * meanwhile as one compare-and-set over all their rows. Each row must still succeed or fail on its
 * own version, values must come back exactly, and a refused job must refuse its whole list.
 */
class BatchedWritesTest {
  @RegisterExtension static final PgSchema db = new PgSchema(4);
  private static int tables;
  private PostgresJobStore store;
  private String table;
  private String prefix;

  @BeforeEach
  void openStore() {
    String tablePrefix = "t" + ++tables + "_";
    store =
        PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(tablePrefix).build();
    prefix = db.schema() + "." + tablePrefix;
    table = prefix + "jobs";
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static Job.Builder job(String id) {
    Instant now = Instant.now();
    return new Job.Builder()
        .id(id)
        .type("t")
        .status(JobStatus.QUEUED)
        .createdAt(now)
        .updatedAt(now)
        .title("job " + id)
        .maxAttempts(1);
  }

  private static Job running(Job queued) {
    return queued.toBuilder()
        .status(JobStatus.RUNNING)
        .version(queued.version() + 1)
        .attempt(1)
        .startedAt(Instant.now())
        .owner("A")
        .leaseExpiresAt(Instant.now().plusSeconds(30))
        .progress(0.25)
        .etaSeconds(1.5)
        .build();
  }

  @Test
  void updatesQueuedTogetherEachApplyOnlyOverTheirOwnVersion() throws Exception {
    Job blocker = job("blocker").build();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      jobs.add(job("u" + i).build());
    }
    store.insert(blocker);
    store.insertAll(jobs);
    List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
    try (HeldWriter held = holdTheWriter(blocker)) {
      for (int i = 0; i < jobs.size(); i++) {
        Job j = jobs.get(i);
        // odd ones expect a version the row does not have: they must fail, the others apply
        long expected = i % 2 == 0 ? j.version() : j.version() + 5;
        outcomes.add(store.updateAsync(running(j), expected));
      }
      held.release();
    }
    for (int i = 0; i < jobs.size(); i++) {
      assertThat(outcomes.get(i).get()).as("update of job %d", i).isEqualTo(i % 2 == 0);
      Job stored = store.get(jobs.get(i).id()).orElseThrow();
      if (i % 2 == 0) {
        assertThat(stored)
            .isEqualTo(
                running(jobs.get(i)).toBuilder()
                    .startedAt(stored.startedAt())
                    .updatedAt(stored.updatedAt())
                    .leaseExpiresAt(stored.leaseExpiresAt())
                    .build());
        assertThat(stored.progress()).isEqualTo(0.25);
        assertThat(stored.etaSeconds()).isEqualTo(1.5);
      } else {
        assertThat(stored).isEqualTo(jobs.get(i));
      }
    }
    assertThat(events("count(*)", "u%"))
        .as("one event per insert and per applied change")
        .isEqualTo(60);
    assertThat(events("count(DISTINCT xid)", "u%' AND kind = 'updated"))
        .as("transactions of the changes queued together")
        .isEqualTo(1);
  }

  @Test
  void aListIsInsertedInOrderWithItsDependenciesExactly() {
    // names an array literal or JSON would mangle; a missing job counts as done, d0 does not
    List<List<String>> dependencies =
        List.of(
            List.of(),
            List.of(),
            List.of("a\"b", "c,d"),
            List.of(),
            List.of("d0", "{x}", "ü \\ NULL", "", "c,d"));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < dependencies.size(); i++) {
      jobs.add(job("d" + i).dependsOn(dependencies.get(i)).build());
    }
    store.insertAll(jobs);
    for (Job j : jobs) {
      assertThat(store.get(j.id()).orElseThrow()).isEqualTo(j);
    }
    assertThat(store.query(JobQuery.builder().dependsOn("c,d").build()))
        .extracting(Job::id)
        .containsExactlyInAnyOrder("d2", "d4");
    // runnable in the list's order, but d4 waits for d0
    Instant now = Instant.now();
    List<Job> reserved =
        store.reserve(new ClaimRequest(Set.of("t"), now, "A", now.plusSeconds(30), 10));
    assertThat(reserved).extracting(Job::id).containsExactly("d0", "d1", "d2", "d3");
  }

  @Test
  void aRefusedJobRefusesItsWholeListAndIsNamed() {
    Job existing = job("e-existing").build();
    store.insert(existing);
    assertThatThrownBy(
            () -> store.insertAll(List.of(job("e1").build(), existing, job("e2").build())))
        .isInstanceOf(DuplicateJobException.class)
        .hasMessageContaining("e-existing");
    assertThatThrownBy(
            () -> store.insertAll(List.of(job("e3").build(), job("e4").build(), job("e3").build())))
        .isInstanceOf(DuplicateJobException.class)
        .hasMessageContaining("e3");
    Job keyed = job("k1").uniqueKey("key").userId("alice").build();
    assertThatThrownBy(
            () ->
                store.insertAll(List.of(keyed, job("k2").uniqueKey("key").userId("alice").build())))
        .isInstanceOf(UniqueKeyConflictException.class);
    for (String id : List.of("e1", "e2", "e3", "e4", "k1", "k2")) {
      assertThat(store.get(id)).as(id).isEmpty();
    }
    store.insertAll(List.of(job("e1").build(), job("e2").build()));
    assertThat(store.get("e2")).isPresent();
  }

  @Test
  void reservationsInOneTransactionNeverOverlap() throws Exception {
    Job blocker = job("r-blocker").build();
    store.insert(blocker);
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      jobs.add(job("r" + i).build());
    }
    store.insertAll(jobs);
    ExecutorService callers = Executors.newFixedThreadPool(2, r -> new Thread(r, "reserver"));
    try (HeldWriter held = holdTheWriter(blocker)) {
      // both reservations wait in the writer's queue, then run in one transaction: the first
      // holds its rows only locked, which does not keep the second (same transaction) off them
      Instant now = Instant.now();
      Future<List<Job>> a =
          callers.submit(
              () -> store.reserve(new ClaimRequest(Set.of("t"), now, "A", now.plusSeconds(30), 6)));
      Future<List<Job>> b =
          callers.submit(
              () -> store.reserve(new ClaimRequest(Set.of("t"), now, "B", now.plusSeconds(30), 6)));
      await().until(() -> reserversWaitingForTheWriter() == 2);
      held.release();
      List<String> reservedA = a.get().stream().map(Job::id).toList();
      List<String> reservedB = b.get().stream().map(Job::id).toList();
      assertThat(reservedA.size() + reservedB.size()).isEqualTo(10);
      assertThat(reservedA).doesNotContainAnyElementsOf(reservedB);
    } finally {
      callers.shutdownNow();
    }
    Instant later = Instant.now();
    assertThat(store.reserve(new ClaimRequest(Set.of("t"), later, "C", later.plusSeconds(30), 10)))
        .as("reservations written, not only held")
        .isEmpty();
  }

  /** Another connection's transaction, holding a row the writer waits for in its current batch. */
  private record HeldWriter(Connection other, CompletableFuture<Boolean> blocked)
      implements AutoCloseable {
    /** Lets the writer go on: its batch commits, then it takes what was queued meanwhile. */
    void release() throws Exception {
      other.rollback();
      assertThat(blocked.get()).isTrue();
    }

    @Override
    public void close() throws Exception {
      other.close();
    }
  }

  /**
   * Holds {@code blocker}'s row in another transaction and queues a change of it, so the writer
   * waits inside that batch: every change queued until {@link HeldWriter#release} is taken as the
   * next batch, one transaction.
   */
  private HeldWriter holdTheWriter(Job blocker) throws Exception {
    Connection other = db.pool().getConnection();
    other.setAutoCommit(false);
    try (Statement st = other.createStatement()) {
      st.execute("SELECT 1 FROM " + table + " WHERE id = '" + blocker.id() + "' FOR UPDATE");
    }
    CompletableFuture<Boolean> blocked = store.updateAsync(running(blocker), blocker.version());
    await().until(() -> writerWaitsForALock(table));
    return new HeldWriter(other, blocked);
  }

  /** Threads named "reserver" whose reservation is queued: they wait for its answer. */
  private static long reserversWaitingForTheWriter() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().equals("reserver"))
        .filter(
            e ->
                Arrays.stream(e.getValue())
                    .anyMatch(
                        f ->
                            f.getClassName().endsWith(".Writes")
                                && f.getMethodName().equals("await")))
        .filter(e -> e.getKey().getState() == Thread.State.WAITING)
        .count();
  }

  private static boolean writerWaitsForALock(String table) throws Exception {
    try (Connection c = db.pool().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND position(? in query) > 0")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  /** {@code aggregate} over the events whose condition is {@code id LIKE '<condition>'}. */
  private long events(String aggregate, String condition) throws Exception {
    try (Connection c = db.pool().getConnection();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT "
                  + aggregate
                  + " FROM "
                  + prefix
                  + "events WHERE id LIKE '"
                  + condition
                  + "'")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
