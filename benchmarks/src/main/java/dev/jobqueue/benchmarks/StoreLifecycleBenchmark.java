package dev.jobqueue.benchmarks;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.Retention;
import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full job lifecycles (submit → claim → no-op → complete) per second with 2 workers and 4
 * submitting threads (JMH threads; change with {@code -t}), every status change durable in SQLite
 * (WAL, synchronous=FULL, group commit), beside the in-memory store in the same run.
 *
 * <p>{@code submitBatch}: 1 submits each job with {@code submit} (each call waits for its own
 * durable insert); more submits lists of that many with {@code submitAll} (one durable insert per
 * list). {@code reserveBatch}: the most jobs the workers reserve per store call (64: the default).
 *
 * <p>Honest counting: an invocation submits {@value #OPS} jobs and returns only once the queue has
 * published at least as many completed events as jobs were submitted so far by every thread. A
 * completed event is published only after the completion is durable, so when an iteration ends
 * every counted lifecycle has completed durably. Finished jobs are purged every second (as a
 * long-running host would, only sooner) so the file and the in-memory store stay small; the deletes
 * are part of the measured work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx2g"})
@Threads(4)
public class StoreLifecycleBenchmark {
  static final int OPS = 500;

  private static final JobRequest NO_INPUT = JobRequest.builder("noop", "no-op").build();

  @Param({"memory", "sqlite"})
  public String store;

  /** 1: {@code submit} per job; n > 1: {@code submitAll} of n jobs. */
  @Param({"1", "100"})
  public int submitBatch;

  @Param({"64"})
  public int reserveBatch;

  /** Fields in each job's input (strings and numbers, about 30 bytes of JSON each); 0: no input. */
  @Param({"0"})
  public int inputFields;

  private Path dir;
  private JobStore jobStore;
  private JobQueue queue;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private SqliteJobStore.WriteStats statsAtIterationStart;
  private long nanosAtIterationStart;
  private long cpuAtIterationStart;
  private long completedAtIterationStart;

  private record Waiter(long target, Thread thread) {}

  @Setup(Level.Trial)
  public void start() throws IOException {
    if (store.equals("sqlite")) {
      dir = Files.createTempDirectory("jobqueue-bench");
      jobStore = SqliteJobStore.open(dir.resolve("bench.db"));
    } else {
      jobStore = new InMemoryJobStore();
    }
    queue =
        JobQueue.builder()
            .store(jobStore)
            .workers(2)
            .reserveBatch(reserveBatch)
            .handler("noop", ctx -> null)
            .retention(new Retention(Duration.ofMillis(1), 0, Duration.ofSeconds(1)))
            .build();
    queue.subscribe(
        e -> {
          if (e.kind() == JobEvent.Kind.UPDATED
              && e.statusChanged()
              && e.job().status() == JobStatus.COMPLETED) {
            long done = completed.incrementAndGet();
            for (Waiter w : waiters) {
              if (done >= w.target()) {
                LockSupport.unpark(w.thread());
              }
            }
          }
        });
  }

  @Setup(Level.Iteration)
  public void iterationStart() {
    nanosAtIterationStart = System.nanoTime();
    cpuAtIterationStart = processCpuNanos();
    completedAtIterationStart = completed.get();
    if (jobStore instanceof SqliteJobStore s) {
      statsAtIterationStart = s.writeStats();
    }
  }

  /**
   * Prints the CPU time the whole JVM spent per completed lifecycle (a figure that does not depend
   * on how busy the shared machine is) and, for SQLite, the group-commit factor.
   */
  @TearDown(Level.Iteration)
  public void iterationEnd() {
    double secs = (System.nanoTime() - nanosAtIterationStart) / 1e9;
    long lifecycles = completed.get() - completedAtIterationStart;
    long cpu = processCpuNanos() - cpuAtIterationStart;
    StringBuilder line =
        new StringBuilder(
            String.format(
                "  [%s: %.1f us CPU per lifecycle",
                store, lifecycles == 0 ? 0.0 : cpu / 1e3 / lifecycles));
    if (jobStore instanceof SqliteJobStore s) {
      SqliteJobStore.WriteStats now = s.writeStats();
      long commits = now.commits() - statsAtIterationStart.commits();
      long changes = now.changes() - statsAtIterationStart.changes();
      line.append(
          String.format(
              ", %d commits/s, %.1f changes per commit",
              Math.round(commits / secs), commits == 0 ? 0.0 : (double) changes / commits));
    }
    System.out.println(line.append(']'));
  }

  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    queue.close();
    jobStore.close();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public void lifecycle() {
    if (submitBatch <= 1) {
      for (int i = 0; i < OPS; i++) {
        queue.submit(request());
      }
    } else {
      for (int left = OPS; left > 0; left -= submitBatch) {
        List<JobRequest> list = new ArrayList<>(submitBatch);
        for (int i = Math.min(left, submitBatch); i > 0; i--) {
          list.add(request());
        }
        queue.submitAll(list);
      }
    }
    awaitCompleted(submitted.addAndGet(OPS));
  }

  /** A request of its own per job, as real submitters make them (each with its own input map). */
  private JobRequest request() {
    return inputFields == 0 ? NO_INPUT : JobRequest.builder("noop", "no-op").input(input()).build();
  }

  private Map<String, Object> input() {
    Map<String, Object> input = new LinkedHashMap<>();
    for (int i = 0; i < inputFields; i++) {
      input.put("field" + i, i % 2 == 0 ? "value number " + i : (Object) (i * 1000L));
    }
    return input;
  }

  /** Waits until at least {@code target} completed events were published. */
  private void awaitCompleted(long target) {
    if (completed.get() >= target) {
      return;
    }
    Waiter me = new Waiter(target, Thread.currentThread());
    waiters.add(me);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (completed.get() < target) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException((target - completed.get()) + " jobs did not complete");
        }
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      }
    } finally {
      waiters.remove(me);
    }
  }
}
