package dev.jobqueue.benchmarks;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@code ctx.progress()} call of a running job with one listener subscribed (the
 * listener thread coalesces what it cannot keep up with). Baseline: a volatile write of the same
 * value, the least any progress report can cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
public class ProgressBenchmark {
  private JobQueue queue;
  private JobContext ctx;
  private final CountDownLatch finish = new CountDownLatch(1);
  private volatile double baseline;
  private int i;

  @Setup(Level.Trial)
  public void start() throws InterruptedException {
    AtomicReference<JobContext> running = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    queue =
        JobQueue.builder()
            .workers(1)
            .handler(
                "long",
                c -> {
                  running.set(c);
                  started.countDown();
                  finish.await();
                  return null;
                })
            .build();
    queue.subscribe(e -> {});
    queue.submit(JobRequest.builder("long", "long job").build());
    if (!started.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("job did not start");
    }
    ctx = running.get();
  }

  @TearDown(Level.Trial)
  public void stop() {
    finish.countDown();
    queue.close();
  }

  @Benchmark
  public void progress() {
    ctx.progress((i++ & 1023) / 1024.0, "working");
  }

  @Benchmark
  public void volatileWriteBaseline() {
    baseline = (i++ & 1023) / 1024.0;
  }
}
