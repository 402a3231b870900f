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

  /**
   * The run count {@link #awaitRuns} waits for, and its thread: woken by the run that reaches it.
   */
  private static volatile long target = Long.MAX_VALUE;

  private static volatile Thread waiter;

  private NoOpJob() {}

  /** The whole job: note when it started and that it ran. */
  public static void run() {
    lastStartNanos = System.nanoTime();
    if (runs.incrementAndGet() == target) {
      LockSupport.unpark(waiter);
    }
  }

  static long runs() {
    return runs.get();
  }

  /** {@link System#nanoTime()} at the start of the latest run. */
  static long lastStartNanos() {
    return lastStartNanos;
  }

  /**
   * Waits until at least {@code count} runs have started (one thread at a time). It sleeps until
   * the run that reaches the count wakes it: the machine has two cores and the systems under test
   * need both (a wake-up every 50 µs to look took about 6 % of a core, in system calls).
   */
  static void awaitRuns(long count, long deadlineNanos) {
    waiter = Thread.currentThread();
    target = count;
    try {
      while (runs.get() < count) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "timed out: " + (count - runs.get()) + " jobs never started");
        }
        // bounded only as a safety net: a run that reached the count before target was set is
        // seen by the check above, every later one finds the target set
        LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
      }
    } finally {
      target = Long.MAX_VALUE;
    }
  }
}
