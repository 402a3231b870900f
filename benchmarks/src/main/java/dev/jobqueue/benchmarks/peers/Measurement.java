package dev.jobqueue.benchmarks.peers;

import dev.jobqueue.benchmarks.peers.PeersRunner.Case;
import dev.jobqueue.benchmarks.peers.PeersRunner.Latency;
import dev.jobqueue.benchmarks.peers.PeersRunner.Result;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures one row of the peers table on a fresh instance of its system: warm-up rounds of N/5 jobs
 * until the JIT compiler is nearly done, then the median of up to {@link #MEASURED_ROUNDS} rounds
 * of N jobs, each after {@link Peer#settle}, then submit→start latency samples.
 */
final class Measurement {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final int MAX_WARM_UPS = 10;

  /**
   * Measured rounds per row, of which the table gives the median: the machine is shared, and single
   * rounds of one build gave from 4,017 to 6,924 PostgreSQL lifecycles/s. Fewer when the rounds are
   * long (JobRunr's).
   */
  private static final int MEASURED_ROUNDS = 3;

  private static final Duration MEASURING_BUDGET = Duration.ofSeconds(60);

  private Measurement() {}

  static Result measure(Case c, Path dir) {
    try (Peer peer = c.opener().open(dir)) {
      long runsAtOpen = NoOpJob.runs();
      Rounds rounds = new Rounds(peer, runsAtOpen);
      int warmUps = warmUp(rounds, c);
      System.err.printf("  after %d warm-up rounds of %d:", warmUps, warmUpSize(c));
      List<Double> seconds = new ArrayList<>();
      long measuring = System.nanoTime();
      do {
        peer.settle();
        long start = System.nanoTime();
        rounds.run(c.n(), c.threads());
        seconds.add((System.nanoTime() - start) / 1e9);
        System.err.printf(" %.0f/s", c.n() / seconds.get(seconds.size() - 1));
      } while (seconds.size() < MEASURED_ROUNDS
          && System.nanoTime() - measuring < MEASURING_BUDGET.toNanos());
      System.err.println();
      seconds.sort(Comparator.reverseOrder()); // slowest first: of two, the faster is the median
      double median = seconds.get(seconds.size() / 2);
      Latency latency = c.latencySamples() > 0 ? rounds.latency(c) : null;
      return new Result(c, median, c.n() / median, latency, null);
    } catch (Exception | Error e) {
      return new Result(c, 0, 0, null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * Warm-up rounds of N/5 jobs until the JIT compiler is nearly done: a round in which it spent at
   * most a tenth of the round's time compiling, at most {@link #MAX_WARM_UPS} rounds. A fixed round
   * was too short for the faster systems: C2 still compiled through the measured round, on one of
   * the two cores (5.3 s of compiling in a 7.8 s round). Returns how many rounds ran.
   */
  private static int warmUp(Rounds rounds, Case c) throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    for (int round = 1; ; round++) {
      long compiledBefore = jit.getTotalCompilationTime();
      long start = System.nanoTime();
      rounds.run(warmUpSize(c), c.threads());
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long compiling = jit.getTotalCompilationTime() - compiledBefore;
      if (compiling * 10 <= millis || round == MAX_WARM_UPS) {
        return round;
      }
    }
  }

  private static int warmUpSize(Case c) {
    return Math.max(1, c.n() / 5);
  }

  /** Submits and awaits rounds of jobs on one peer, keeping count of what it submitted. */
  private static final class Rounds {
    private final Peer peer;
    private final long runsAtOpen;
    private long submitted;

    Rounds(Peer peer, long runsAtOpen) {
      this.peer = peer;
      this.runsAtOpen = runsAtOpen;
    }

    /** Submits n jobs (split over {@code threads} submitting threads) and awaits them all. */
    void run(int n, int threads) throws Exception {
      if (threads == 1) {
        peer.submit(n);
      } else {
        submitFromThreads(n, threads);
      }
      submitted += n;
      awaitCompleted();
    }

    private void submitFromThreads(int n, int threads) throws InterruptedException {
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> submitters = new ArrayList<>();
      Throwable[] failure = new Throwable[1];
      for (int t = 0; t < threads; t++) {
        int share = n / threads + (t < n % threads ? 1 : 0);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    go.await();
                    peer.submit(share);
                  } catch (Exception e) {
                    synchronized (failure) {
                      failure[0] = e;
                    }
                  }
                },
                "submitter-" + t);
        thread.start();
        submitters.add(thread);
      }
      go.countDown();
      for (Thread thread : submitters) {
        thread.join();
      }
      synchronized (failure) {
        if (failure[0] != null) {
          throw new IllegalStateException("a submitting thread failed", failure[0]);
        }
      }
    }

    /**
     * First waits for the jobs to have run (cheap), then polls the system's own completion count:
     * by then only the last few completions can still be on their way to storage.
     */
    private void awaitCompleted() throws Exception {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      NoOpJob.awaitRuns(runsAtOpen + submitted, deadline);
      while (peer.completed() < submitted) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out: " + (submitted - peer.completed()) + " jobs never completed");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }

    Latency latency(Case c) throws Exception {
      long[] nanos = new long[c.latencySamples()];
      for (int i = 0; i < nanos.length; i++) {
        if (!c.latencySpacing().isZero()) {
          Thread.sleep(ThreadLocalRandom.current().nextLong(c.latencySpacing().toMillis()));
        }
        long runsBefore = NoOpJob.runs();
        long before = System.nanoTime();
        peer.submit(1);
        NoOpJob.awaitRuns(runsBefore + 1, before + TIMEOUT.toNanos());
        nanos[i] = NoOpJob.lastStartNanos() - before;
        submitted++;
        awaitCompleted();
      }
      return Latency.of(nanos);
    }
  }
}
