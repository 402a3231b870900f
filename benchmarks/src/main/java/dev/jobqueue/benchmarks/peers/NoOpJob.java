package dev.jobqueue.benchmarks.peers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The job every system runs. Static because JobRunr and db-scheduler call a method they find by
 * themselves, not an object the runner hands them.
 */
public final class NoOpJob {
  private static final AtomicLong runs = new AtomicLong();
  private static volatile long lastStartNanos;

  private NoOpJob() {}

  /** The whole job: note when it started and that it ran. */
  public static void run() {
    lastStartNanos = System.nanoTime();
    runs.incrementAndGet();
  }

  static long runs() {
    return runs.get();
  }

  /** {@link System#nanoTime()} at the start of the latest run. */
  static long lastStartNanos() {
    return lastStartNanos;
  }

  /**
   * Waits until at least {@code target} runs have started. Parks briefly instead of spinning: the
   * machine has two cores and the systems under test need both.
   */
  static void awaitRuns(long target, long deadlineNanos) {
    while (runs.get() < target) {
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException(
            "timed out: " + (target - runs.get()) + " jobs never started");
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
    }
  }
}
