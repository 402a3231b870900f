package dev.jobqueue.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.jobrunr.server.BackgroundJobServerConfiguration;

/**
 * The same workload on jobqueue and its peers, one markdown table per run: N no-op jobs submitted,
 * all completed, 2 workers, each system's default settings, the whole time measured after warm-up
 * rounds of N/5 jobs (until the JIT compiler is nearly done, see {@link #warmUp}), the median of up
 * to {@link #MEASURED_ROUNDS} rounds, each after {@link Peer#settle}; then, on the idle system,
 * submit→start latency of single jobs.
 *
 * <pre>
 * mvn -B -ntp -q package -DskipTests -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.jobqueue.benchmarks.peers.PeersRunner [--quick] [--only=TEXT]
 * </pre>
 *
 * {@code --quick} divides every N and latency sample count by 10 (for a check that it all runs).
 * {@code --only=TEXT} runs the rows whose system, storage or workload contains TEXT (ignoring
 * case), e.g. {@code --only=postgres}. PostgreSQL rows need 127.0.0.1:5432 (user postgres, trust,
 * database {@code test}); without it they are skipped with a line saying so.
 */
public final class PeersRunner {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final int MAX_WARM_UPS = 10;

  /**
   * Measured rounds per row, of which the table gives the median: the machine is shared, and single
   * rounds of one build gave from 4,017 to 6,924 PostgreSQL lifecycles/s. Fewer when the rounds are
   * long (JobRunr's).
   */
  private static final int MEASURED_ROUNDS = 3;

  private static final Duration MEASURING_BUDGET = Duration.ofSeconds(60);

  /**
   * JobRunr with 2 workers runs bursts and then waits for its next poll (15 s by default) whenever
   * both workers went idle at once, so it gets few jobs and few latency samples (each sample waits
   * up to a poll interval), or the run would take far longer than a few minutes.
   */
  private static final int JOBRUNR_N = 200;

  private static final int JOBRUNR_LATENCY_SAMPLES = 3;

  private PeersRunner() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    int scale = quick ? 10 : 1;
    Properties versions = versions();
    String jobRunr = "JobRunr " + versions.getProperty("jobrunr");
    String dbScheduler = "db-scheduler " + versions.getProperty("db-scheduler");
    Duration jobRunrPoll = BackgroundJobServerConfiguration.DEFAULT_POLL_INTERVAL;
    String loadBefore = loadAverage();
    Instant started = Instant.now();

    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "raw ThreadPoolExecutor, 2 threads",
            Storage.MEMORY,
            "execute, one by one",
            false,
            1_000_000 / scale,
            1,
            2_000 / scale,
            Duration.ZERO,
            dir -> new ExecutorPeer()));
    cases.add(
        new Case(
            "jobqueue",
            Storage.MEMORY,
            "submit, one by one",
            true,
            100_000 / scale,
            1,
            2_000 / scale,
            Duration.ZERO,
            dir -> new JobQueuePeer(null, 1)));
    cases.add(
        new Case(
            jobRunr,
            Storage.MEMORY,
            "enqueue, one by one",
            false,
            JOBRUNR_N / scale,
            1,
            Math.max(1, JOBRUNR_LATENCY_SAMPLES / scale),
            jobRunrPoll,
            dir -> JobRunrPeer.inMemory()));
    cases.add(
        new Case(
            "jobqueue",
            Storage.SQLITE,
            "submit, one by one",
            true,
            5_000 / scale,
            1,
            300 / scale,
            Duration.ZERO,
            dir -> new JobQueuePeer(dir.resolve("jobqueue-one.db"), 1)));
    cases.add(
        new Case(
            "jobqueue",
            Storage.SQLITE,
            "submitAll, batches of 100",
            true,
            20_000 / scale,
            1,
            0,
            Duration.ZERO,
            dir -> new JobQueuePeer(dir.resolve("jobqueue-batch.db"), 100)));
    cases.add(
        new Case(
            "jobqueue",
            Storage.SQLITE,
            "submit, one by one from 8 threads",
            true,
            10_000 / scale,
            8,
            0,
            Duration.ZERO,
            dir -> new JobQueuePeer(dir.resolve("jobqueue-8threads.db"), 1)));
    cases.add(
        new Case(
            jobRunr,
            Storage.SQLITE,
            "enqueue, one by one",
            false,
            JOBRUNR_N / scale,
            1,
            Math.max(1, JOBRUNR_LATENCY_SAMPLES / scale),
            jobRunrPoll,
            dir -> JobRunrPeer.sqlite(dir.resolve("jobrunr.db"))));
    String postgresDown = PostgresSchema.unreachableReason();
    if (postgresDown == null) {
      cases.add(
          new Case(
              "jobqueue",
              Storage.POSTGRES,
              "submitAll, batches of 100",
              true,
              30_000 / scale,
              1,
              0,
              Duration.ZERO,
              dir -> JobQueuePeer.postgres(100)));
      cases.add(
          new Case(
              "jobqueue",
              Storage.POSTGRES,
              "submit, one by one",
              true,
              2_000 / scale,
              1,
              100 / scale,
              Duration.ZERO,
              dir -> JobQueuePeer.postgres(1)));
      cases.add(
          new Case(
              jobRunr,
              Storage.POSTGRES,
              "enqueue, one by one",
              false,
              JOBRUNR_N / scale,
              1,
              Math.max(1, JOBRUNR_LATENCY_SAMPLES / scale),
              jobRunrPoll,
              dir -> JobRunrPeer.postgres()));
      cases.add(
          new Case(
              dbScheduler,
              Storage.POSTGRES,
              "schedule(instance, now), one by one",
              false,
              5_000 / scale,
              1,
              100 / scale,
              Duration.ZERO,
              dir -> new DbSchedulerPeer(1)));
      cases.add(
          new Case(
              dbScheduler,
              Storage.POSTGRES,
              "scheduleBatch, batches of 100",
              false,
              10_000 / scale,
              1,
              0,
              Duration.ZERO,
              dir -> new DbSchedulerPeer(100)));
    } else {
      System.out.println(
          "PostgreSQL at "
              + PostgresSchema.URL
              + " is unreachable ("
              + postgresDown
              + "): skipping the PostgreSQL rows (jobqueue, JobRunr, db-scheduler).");
    }

    String only =
        Arrays.stream(args)
            .filter(a -> a.startsWith("--only="))
            .map(a -> a.substring("--only=".length()).toLowerCase(java.util.Locale.ROOT))
            .findFirst()
            .orElse(null);
    if (only != null) {
      cases.removeIf(
          c ->
              !(c.system() + " " + c.storage() + " " + c.workload())
                  .toLowerCase(java.util.Locale.ROOT)
                  .contains(only));
    }
    Path dir = Files.createTempDirectory("jobqueue-peers");
    List<Result> results = new ArrayList<>();
    try {
      for (Case c : cases) {
        System.err.printf("%s, %s, %s, N=%d ...%n", c.system(), c.storage(), c.workload(), c.n());
        Result r = measure(c, dir);
        System.err.println("  " + r.summary());
        results.add(r);
      }
    } finally {
      deleteRecursively(dir);
    }

    System.out.println();
    System.out.print(ResultTable.render(results));
    System.out.println();
    System.out.printf(
        "JobRunr: background job server with andWorkerCount(2), default poll interval %d s (it"
            + " looks for enqueued jobs every poll and whenever a worker becomes idle), default"
            + " JSON mapper (Jackson); SQLite through a plain SQLiteDataSource, PostgreSQL through a"
            + " default HikariCP pool. %s: threads(2), pollUsingLockAndFetch(0.5, 1.0),"
            + " enableImmediateExecution(), default polling interval 10 s, default HikariCP pool;"
            + " schedule one by one or scheduleBatch of 100."
            + " jobqueue: JobQueue.builder().workers(2).handler(...), everything else default"
            + " (reserveBatch 64); SQLite through SqliteJobStore.open(file).%n",
        jobRunrPoll.toSeconds(), dbScheduler);
    System.out.println(
        "Completed means recorded as completed: jobqueue's completed event (published once the"
            + " completion is stored, durably for SQLite), JobRunr's SUCCEEDED count in its"
            + " storage, db-scheduler's onExecutionComplete (after its row is deleted), the"
            + " executor's task returning. Latency: one job at a time on the idle system, from"
            + " before the submit call to the first line of the job; for JobRunr each sample"
            + " waits a random 0 to one poll interval first, so the poll phase is sampled"
            + " fairly. p99 of fewer than 100 samples is the slowest sample.");
    System.out.printf(
        "Machine: %d cores, %s, Java %s. Load average (1/5/15 min) before: %s; after: %s. Run"
            + " started %s, took %d s%s.%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        System.getProperty("java.version"),
        loadBefore,
        loadAverage(),
        started,
        Duration.between(started, Instant.now()).toSeconds(),
        quick ? ", --quick (N and samples / 10)" : "");
  }

  private static Result measure(Case c, Path dir) {
    try (Peer peer = c.opener().open(dir)) {
      long runsAtOpen = NoOpJob.runs();
      Rounds rounds = new Rounds(peer, runsAtOpen);
      int warmUps = warmUp(rounds, c);
      System.err.printf("  after %d warm-up rounds of %d:", warmUps, warmUpSize(c));
      List<double[]> measured = new ArrayList<>(); // {seconds, jobs/s}
      long measuring = System.nanoTime();
      do {
        peer.settle();
        long start = System.nanoTime();
        rounds.run(c.n(), c.threads());
        double seconds = (System.nanoTime() - start) / 1e9;
        measured.add(new double[] {seconds, c.n() / seconds});
        System.err.printf(" %.0f/s", c.n() / seconds);
      } while (measured.size() < MEASURED_ROUNDS
          && System.nanoTime() - measuring < MEASURING_BUDGET.toNanos());
      System.err.println();
      measured.sort(Comparator.comparingDouble(m -> m[1]));
      double[] median = measured.get(measured.size() / 2);
      double seconds = median[0];
      Latency latency = c.latencySamples() > 0 ? rounds.latency(c) : null;
      return new Result(c, seconds, median[1], latency, null);
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

  private static Properties versions() throws IOException {
    Properties p = new Properties();
    try (InputStream in = PeersRunner.class.getResourceAsStream("peer-versions.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    return p;
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          "%.2f (1 min)",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Storage classes: ratios compare rows of one class only. */
  enum Storage {
    MEMORY("in memory"),
    SQLITE("SQLite file"),
    POSTGRES("PostgreSQL");

    private final String label;

    Storage(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /** Opens a fresh instance of a system (its files go in {@code dir}). */
  @FunctionalInterface
  interface Opener {
    Peer open(Path dir) throws Exception;
  }

  /**
   * One row: a system, its storage and workload, N jobs from {@code threads} submitting threads,
   * and how many latency samples to take (0: none), each after a random pause below {@code
   * latencySpacing} for systems that poll.
   */
  record Case(
      String system,
      Storage storage,
      String workload,
      boolean jobqueue,
      int n,
      int threads,
      int latencySamples,
      Duration latencySpacing,
      Opener opener) {}

  record Latency(int samples, long p50Nanos, long p99Nanos) {
    static Latency of(long[] nanos) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Latency(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99));
    }

    /** Nearest-rank percentile. */
    private static long rank(long[] sorted, double p) {
      return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
  }

  /** A measured row, or the reason it failed ({@code error} not null). */
  record Result(Case c, double seconds, double perSecond, Latency latency, String error) {
    String summary() {
      return error != null
          ? "failed: " + error
          : String.format("%.2f s, %.0f jobs/s", seconds, perSecond);
    }
  }
}
