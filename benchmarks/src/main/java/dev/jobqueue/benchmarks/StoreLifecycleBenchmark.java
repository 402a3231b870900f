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
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * submitting threads, every status change durable in SQLite (WAL, synchronous=FULL, group
 * commit), beside the in-memory store in the same run. A lifecycle counts when the listener sees
 * its completed event, which is published only after the write is durable.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@Threads(4)
public class StoreLifecycleBenchmark {
  static final int BATCH = 500;

  @Param({"memory", "sqlite"})
  public String store;

  @Param({"16"})
  public int claimBatch;

  private Path dir;
  private JobStore jobStore;
  private JobQueue queue;
  private final ConcurrentHashMap<String, CountDownLatch> pending = new ConcurrentHashMap<>();

  @Setup(Level.Trial)
  public void start() throws IOException {
    if (store.equals("sqlite")) {
      dir = Files.createTempDirectory("jobqueue-bench");
      jobStore = SqliteJobStore.open(dir.resolve("bench.db"));
    } else {
      jobStore = new InMemoryJobStore();
    }
    queue = JobQueue.builder().store(jobStore).workers(2).claimBatch(claimBatch)
        .handler("noop", ctx -> null)
        .retention(new Retention(Duration.ofMillis(1), 0, Duration.ofSeconds(1)))
        .build();
    queue.subscribe(e -> {
      if (e.kind() == JobEvent.Kind.UPDATED && e.statusChanged()
          && e.job().status() == JobStatus.COMPLETED) {
        CountDownLatch l = pending.remove(e.jobId());
        if (l != null) {
          l.countDown();
        }
      }
    });
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
  @OperationsPerInvocation(BATCH)
  public void lifecycle() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(BATCH);
    JobRequest request = JobRequest.builder("noop", "no-op").build();
    for (int i = 0; i < BATCH; i++) {
      String id = queue.submit(request).id();
      pending.put(id, done);
      // the completion may have been published before we registered it (or even purged)
      boolean ended = queue.find(id).map(j -> j.status() == JobStatus.COMPLETED).orElse(true);
      if (ended && pending.remove(id) != null) {
        done.countDown();
      }
    }
    if (!done.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException(done.getCount() + " jobs did not complete");
    }
  }
}
