package dev.jobqueue.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.Retention;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link ThroughputBenchmark} workload as a plain loop that also reports the process's CPU time
 * per job, which says more than a rate on a shared 2-core machine. Attach a profiler to it to see
 * where that time goes. Arguments: warm-up seconds, measured seconds (default 8 and 8).
 */
public final class CpuPerJob {
  private static final int BATCH = 10_000;

  public static void main(String[] args) throws Exception {
    long warmSeconds = args.length > 0 ? Long.parseLong(args[0]) : 8;
    long measureSeconds = args.length > 1 ? Long.parseLong(args[1]) : 8;
    AtomicReference<CountDownLatch> batchDone = new AtomicReference<>();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (JobQueue queue =
        JobQueue.builder()
            .workers(2)
            .handler("noop", ctx -> null)
            .retention(new Retention(Duration.ofMillis(1), 0, Duration.ofMillis(10)))
            .build()) {
      queue.subscribe(
          e -> {
            if (e.kind() == JobEvent.Kind.UPDATED && e.job().status() == JobStatus.COMPLETED) {
              batchDone.get().countDown();
            }
          });
      JobRequest request = JobRequest.builder("noop", "no-op").build();
      for (int phase = 0; phase < 2; phase++) {
        long seconds = phase == 0 ? warmSeconds : measureSeconds;
        long start = System.nanoTime();
        long cpuStart = os.getProcessCpuTime();
        long jobs = 0;
        while (System.nanoTime() - start < seconds * 1_000_000_000L) {
          CountDownLatch done = new CountDownLatch(BATCH);
          batchDone.set(done);
          for (int i = 0; i < BATCH; i++) {
            queue.submit(request);
          }
          done.await();
          jobs += BATCH;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%s: %.0f jobs/s, %.2f us of CPU per job%n",
            phase == 0 ? "warm-up" : "measured",
            jobs / elapsed,
            (os.getProcessCpuTime() - cpuStart) / 1000.0 / jobs);
      }
    }
  }
}
