package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.ForwardingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No public call can store a move that DESIGN's state machine forbids: a store that checks every
 * write against the snapshot it replaces sees only legal moves while many threads call every public
 * operation at random, and calls that ask for an illegal move fail without writing.
 */
class NoIllegalWriteTest {

  /** Delegates to the in-memory store and records every write that breaks the state machine. */
  static final class GuardStore extends ForwardingStore {
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

    GuardStore() {
      super(new InMemoryJobStore());
    }

    @Override
    public CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
      return updateAsyncViaUpdate(next, expectedVersion); // the hook sees every write
    }

    private void check(Job next, long expectedVersion) {
      Optional<Job> cur = delegate.get(next.id());
      if (cur.isEmpty() || cur.get().version() != expectedVersion) {
        return; // the compare-and-set will refuse it
      }
      Job prev = cur.get();
      if (next.version() != prev.version() + 1) {
        violations.add(next.id() + ": version " + prev.version() + " -> " + next.version());
      }
      if (prev.status() != next.status() && !prev.status().canMoveTo(next.status())) {
        violations.add(next.id() + ": " + prev.status() + " -> " + next.status());
      }
      if (prev.isTerminal() && prev.status() == next.status()) {
        violations.add(next.id() + ": ended job changed while " + prev.status());
      }
    }

    @Override
    public synchronized boolean update(Job next, long expectedVersion) {
      check(next, expectedVersion);
      return delegate.update(next, expectedVersion);
    }

    @Override
    public synchronized boolean updateProgress(Job next, long expectedVersion) {
      check(next, expectedVersion);
      return delegate.updateProgress(next, expectedVersion);
    }

    @Override
    public synchronized boolean delete(String id, long expectedVersion) {
      Optional<Job> cur = delegate.get(id);
      if (cur.isPresent() && cur.get().version() == expectedVersion && !cur.get().isTerminal()) {
        violations.add(id + ": deleted while " + cur.get().status());
      }
      return delegate.delete(id, expectedVersion);
    }

    @Override
    public synchronized List<Job> reserve(ClaimRequest request) {
      return delegate.reserve(request);
    }

    @Override
    public synchronized List<Job> purge(Instant completedBefore, int keepLast) {
      return delegate.purge(completedBefore, keepLast);
    }
  }

  @Test
  void randomPublicCallsFromManyThreadsStoreOnlyLegalMoves() throws Exception {
    GuardStore store = new GuardStore();
    List<String> ids = new CopyOnWriteArrayList<>();
    try (JobQueue q =
        JobQueue.builder()
            .store(store)
            .workers(3)
            .defaultMaxAttempts(2)
            .retryBackoff(
                new RetryBackoff(
                    java.time.Duration.ofMillis(1), 1.0, java.time.Duration.ofMillis(1)))
            .handler(
                "work",
                ctx -> {
                  int n = ((Number) ctx.input().getOrDefault("n", 0)).intValue();
                  ctx.progress(0.5, "half");
                  if (n % 5 == 0) {
                    throw new IllegalStateException("failure " + n);
                  }
                  if (n % 7 == 0) {
                    ctx.spawn(
                        JobRequest.builder("work", "child").input(Map.of("n", n + 1)).build());
                  }
                  return Map.of("n", n);
                })
            .build()) {
      ExecutorService callers = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = 42 + t;
        done.add(callers.submit(() -> callAtRandom(q, ids, new Random(seed), 300)));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      callers.shutdown();
      await()
          .until(
              () ->
                  q.list(
                              JobQuery.builder()
                                  .status(JobStatus.QUEUED, JobStatus.RUNNING)
                                  .limit(JobQuery.MAX_LIMIT)
                                  .build())
                          .isEmpty()
                      || onlyTrackedLeft(q));
    }
    assertThat(ids).hasSizeGreaterThan(100);
    assertThat(store.violations).isEmpty();
  }

  private static boolean onlyTrackedLeft(JobQueue q) {
    return q
        .list(
            JobQuery.builder()
                .status(JobStatus.QUEUED, JobStatus.RUNNING)
                .limit(JobQuery.MAX_LIMIT)
                .build())
        .stream()
        .allMatch(Job::tracked);
  }

  /** Calls every public operation on random jobs; refusals are expected, nothing else is. */
  private static void callAtRandom(JobQueue q, List<String> ids, Random rnd, int calls) {
    for (int i = 0; i < calls; i++) {
      String id = ids.isEmpty() ? null : ids.get(rnd.nextInt(ids.size()));
      try {
        switch (id == null ? 0 : rnd.nextInt(10)) {
          case 0, 1 ->
              ids.add(
                  q.submit(
                          JobRequest.builder("work", "job")
                              .input(Map.of("n", rnd.nextInt(100)))
                              .build())
                      .id());
          case 2 -> ids.add(q.tracker().create(JobRequest.builder("host", "tracked").build()).id());
          case 3 -> q.cancel(id);
          case 4 -> q.retry(id);
          case 5 -> q.delete(id);
          case 6 -> q.tracker().start(id);
          case 7 -> q.tracker().progress(id, rnd.nextDouble(), "p");
          case 8 -> q.tracker().complete(id, Map.of());
          default -> q.tracker().fail(id, "host failed");
        }
      } catch (JobStateException
          | JobNotFoundException
          | JobCancelledException
          | UnknownJobTypeException e) {
        // refused as the state machine says; the store must not have been written
      }
    }
  }

  @Test
  void callsThatAskForAnIllegalMoveFailAndWriteNothing() throws Exception {
    GuardStore store = new GuardStore();
    try (JobQueue q =
        JobQueue.builder().store(store).workers(1).handler("t", ctx -> null).build()) {
      Job done =
          q.await(
              q.submit(JobRequest.builder("t", "done").build()).id(),
              java.time.Duration.ofSeconds(30));
      Job tracked = q.tracker().create(JobRequest.builder("host", "tracked").build());
      long doneVersion = done.version();
      assertThatThrownBy(() -> q.cancel(done.id()))
          .isInstanceOf(IllegalJobTransitionException.class);
      assertThatThrownBy(() -> q.retry(done.id()))
          .isInstanceOf(IllegalJobTransitionException.class);
      assertThatThrownBy(() -> q.tracker().complete(tracked.id(), Map.of()))
          .isInstanceOf(IllegalJobTransitionException.class)
          .hasMessageContaining("from queued to completed");
      assertThatThrownBy(() -> q.tracker().progress(tracked.id(), 0.5, "early"))
          .isInstanceOf(JobStateException.class);
      assertThatThrownBy(() -> q.delete(tracked.id())).isInstanceOf(JobStateException.class);
      assertThat(q.get(done.id()).version()).isEqualTo(doneVersion);
      assertThat(q.get(tracked.id()).version()).isEqualTo(tracked.version());
    }
    assertThat(store.violations).isEmpty();
  }
}
