package dev.jobqueue.benchmarks.sse;

import dev.jobqueue.Job;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobTracker;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Produces job changes through {@link JobTracker} at a fixed total rate (one thread, paced by
 * {@code System.nanoTime()}), or as fast as it can when the rate is 0. {@code inflight} jobs are in
 * progress at once; each op advances one of them round-robin through create → start → {@code
 * progress} × progress updates → complete, so every op is one job change (one event).
 *
 * <p>The time of each change is taken just before the tracker call and travels with the job (see
 * {@link LoadClients}); job {@code i} belongs to user {@code "u" + (i % users)} when users > 0.
 */
final class UpdateGenerator implements Runnable {
  private final JobTracker tracker;
  private final int users;
  private final double rate;
  private final int progressPerJob;
  private final long durationNanos;
  private final AtomicLongArray startNanos;
  private final String[] slotId;
  private final int[] slotIndex;
  private final int[] slotStage;

  volatile long ops;
  volatile int jobs;
  long statusChanges;
  long progressChanges;
  long pacedOps;
  long pacedNanos;
  long maxLagNanos;
  long windDownOps;
  final Histogram callMicros = new Histogram();
  volatile Throwable failure;

  UpdateGenerator(
      JobTracker tracker,
      int users,
      double rate,
      int progressPerJob,
      int inflight,
      long durationNanos,
      AtomicLongArray startNanos) {
    this.tracker = tracker;
    this.users = users;
    this.rate = rate;
    this.progressPerJob = progressPerJob;
    this.durationNanos = durationNanos;
    this.startNanos = startNanos;
    this.slotId = new String[inflight];
    this.slotIndex = new int[inflight];
    this.slotStage = new int[inflight];
  }

  /** Jobs that can be created in {@code seconds} at {@code rate} changes/s, with some room. */
  static int capacity(double rate, double seconds, int progressPerJob, int inflight) {
    return (int)
        Math.min(
            Integer.MAX_VALUE - 8, rate * seconds / (3 + progressPerJob) * 1.2 + inflight + 1024);
  }

  @Override
  public void run() {
    try {
      long t0 = System.nanoTime();
      long i = 0;
      int slots = slotStage.length;
      while (true) {
        long now = System.nanoTime();
        if (now - t0 >= durationNanos) {
          break;
        }
        if (rate > 0) {
          long target = t0 + (long) (i * 1e9 / rate);
          if (now < target) {
            LockSupport.parkNanos(target - now);
            continue;
          }
          maxLagNanos = Math.max(maxLagNanos, now - target);
        }
        if (!step((int) (i % slots))) {
          break; // out of job slots (capacity)
        }
        i++;
        ops = i;
      }
      pacedNanos = System.nanoTime() - t0;
      pacedOps = i;
      // Wind down: finish every job in flight so each one has its three status changes.
      for (int s = 0; s < slots; s++) {
        while (slotStage[s] != 0) {
          if (slotStage[s] >= 2) {
            slotStage[s] = 2 + progressPerJob; // skip the remaining progress updates
          }
          step(s);
          windDownOps++;
          ops = ++i;
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  private boolean step(int s) {
    int stage = slotStage[s];
    long t = System.nanoTime();
    if (stage == 0) {
      int index = jobs;
      if (index >= startNanos.length()) {
        return false;
      }
      JobRequest.Builder b = JobRequest.builder("load", "j" + index + " " + t);
      if (users > 0) {
        b.userId("u" + (index % users));
      }
      Job job = tracker.create(b.build());
      slotId[s] = job.id();
      slotIndex[s] = index;
      jobs = index + 1;
      statusChanges++;
    } else if (stage == 1) {
      startNanos.set(slotIndex[s], t);
      tracker.start(slotId[s]);
      statusChanges++;
    } else if (stage < 2 + progressPerJob) {
      int k = stage - 1;
      tracker.progress(slotId[s], k / (progressPerJob + 1.0), "p" + k + " " + t);
      progressChanges++;
    } else {
      tracker.complete(slotId[s], Map.of("t", t));
      statusChanges++;
      slotStage[s] = 0;
      callMicros.record((System.nanoTime() - t) / 1000);
      return true;
    }
    slotStage[s] = stage + 1;
    callMicros.record((System.nanoTime() - t) / 1000);
    return true;
  }
}
