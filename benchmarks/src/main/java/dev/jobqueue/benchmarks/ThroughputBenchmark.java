package dev.jobqueue.benchmarks;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Submit → run a no-op → complete, 2 workers, one listener that sees every completion; beside a raw
 * {@link ThreadPoolExecutor} with 2 threads running the same no-op tasks, in the same run. Each
 * invocation submits a batch and waits until all of it has completed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The JIT needs about 10 s on 2 cores busy with 4 threads before the queue's code is compiled.
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx2g"})
public class ThroughputBenchmark {
  static final int BATCH = 10_000;

  @Param({"jobqueue", "threadPoolExecutor"})
  public String impl;

  /** Most jobs the workers reserve per store call (ignored by the executor); 64 is the default. */
  @Param({"64", "1"})
  public int reserveBatch;

  /** 1: completions counted by a listener (the target's setup); 0: by the handler, no listener. */
  @Param({"1"})
  public int listeners;

  private JobQueue queue;
  private ThreadPoolExecutor pool;
  private final AtomicReference<CountDownLatch> batchDone = new AtomicReference<>();

  @Setup(Level.Trial)
  public void start() {
    if (impl.equals("jobqueue")) {
      queue =
          JobQueue.builder()
              .workers(2)
              .reserveBatch(reserveBatch)
              .handler(
                  "noop",
                  ctx -> {
                    if (listeners == 0) {
                      batchDone.get().countDown();
                    }
                    return null;
                  })
              // Purge finished jobs 1 ms after they end, every 10 ms: the heap holds only the jobs
              // in
              // flight, as a long-running queue's would, and the purges and their deletion events
              // are
              // part of the measured work.
              .retention(
                  new dev.jobqueue.Retention(
                      java.time.Duration.ofMillis(1), 0, java.time.Duration.ofMillis(10)))
              .build();
      if (listeners == 1) {
        queue.subscribe(
            e -> {
              if (e.kind() == JobEvent.Kind.UPDATED && e.job().status() == JobStatus.COMPLETED) {
                batchDone.get().countDown();
              }
            });
      }
    } else {
      pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
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
  @OperationsPerInvocation(BATCH)
  public void submitRunComplete() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(BATCH);
    batchDone.set(done);
    if (queue != null) {
      JobRequest request = JobRequest.builder("noop", "no-op").build();
      for (int i = 0; i < BATCH; i++) {
        queue.submit(request);
      }
    } else {
      Runnable task = done::countDown;
      for (int i = 0; i < BATCH; i++) {
        pool.execute(task);
      }
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("batch did not complete: " + done.getCount() + " left");
    }
  }
}
