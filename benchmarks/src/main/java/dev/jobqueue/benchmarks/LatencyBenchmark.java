package dev.jobqueue.benchmarks;

import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Submit → start latency on an idle queue: one job at a time, the benchmark thread spins until the
 * handler has started. Beside the same measure for a raw ThreadPoolExecutor. SampleTime mode
 * reports p50 and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class LatencyBenchmark {
  @Param({"jobqueue", "threadPoolExecutor"})
  public String impl;

  private JobQueue queue;
  private ThreadPoolExecutor pool;
  private final AtomicLong started = new AtomicLong();
  private JobRequest request;

  @Setup(Level.Trial)
  public void start() {
    if (impl.equals("jobqueue")) {
      queue =
          JobQueue.builder()
              .workers(2)
              .handler(
                  "noop",
                  ctx -> {
                    started.incrementAndGet();
                    return null;
                  })
              .retention(
                  new dev.jobqueue.Retention(
                      java.time.Duration.ofMillis(1), 0, java.time.Duration.ofMillis(200)))
              .build();
      request = JobRequest.builder("noop", "no-op").build();
    } else {
      pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
      pool.prestartAllCoreThreads();
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    if (queue != null) {
      queue.close();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Benchmark
  public long submitToStart() {
    long before = started.get();
    if (queue != null) {
      queue.submit(request);
    } else {
      pool.execute(started::incrementAndGet);
    }
    long now;
    while ((now = started.get()) == before) {
      Thread.onSpinWait();
    }
    return now;
  }
}
