package dev.jobqueue.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.jobrunr.server.BackgroundJobServerConfiguration;

/**
 * The same workload on jobqueue and its peers, one markdown table per run: N no-op jobs submitted,
 * all completed, 2 workers, each system's default settings, the whole time measured after warm-up
 * rounds, the median of up to three measured rounds, each after {@link Peer#settle} (see {@link
 * Measurement}); then, on the idle system, submit→start latency of single jobs.
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
        Result r = Measurement.measure(c, dir);
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
