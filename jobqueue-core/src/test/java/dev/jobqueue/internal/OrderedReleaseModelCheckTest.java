package dev.jobqueue.internal;

import static dev.jobqueue.internal.Released.job;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Model checking of {@link OrderedRelease}'s concurrent paths with Lincheck: writers, a worker
 * whose start is resolved by the store's thread, a batch insert and a failed write run against a
 * store that writes with compare-and-set as real stores do, and Lincheck explores their
 * interleavings. After each run every stored version must have been released exactly once, each
 * job's in version order, and no failed write released.
 *
 * <p>The code under test is kept lean (snapshots built beforehand, no assertion library inside), as
 * Lincheck instruments everything the threads run.
 */
class OrderedReleaseModelCheckTest {
  /**
   * Per scenario; raise it (-Djobqueue.lincheck.invocations=5000) for a deeper search. At 30 the
   * batch scenario missed a walk that released a held job's start before its creation; 100 found
   * it.
   */
  private static final int INVOCATIONS = Integer.getInteger("jobqueue.lincheck.invocations", 100);

  @BeforeAll
  static void initializeClassesOutsideLincheck() {
    concurrentWriters(new Model());
    workerRacingACancel(new Model());
    batchInsertRacingAWorkerAndAFailedWrite(new Model());
  }

  @Test
  void concurrentWritersOfOneJobReleaseItsVersionsInOrder() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> concurrentWriters(new Model()));
  }

  @Test
  void aWorkersEndWrittenWhileItsStartCommitsLeavesAfterTheStart() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> workerRacingACancel(new Model()));
  }

  @Test
  void aJobStartedWhileItsBatchInsertCommitsLeavesAfterItsCreation() {
    Lincheck.runConcurrentTest(
        INVOCATIONS, () -> batchInsertRacingAWorkerAndAFailedWrite(new Model()));
  }

  private static void concurrentWriters(Model m) {
    m.write(0, JobEvent.Kind.CREATED);
    m.run(
        () -> {
          m.write(0, JobEvent.Kind.UPDATED);
          m.write(0, JobEvent.Kind.UPDATED);
        },
        () -> {
          m.write(0, JobEvent.Kind.UPDATED);
          m.write(1, JobEvent.Kind.CREATED);
        });
  }

  /**
   * A worker writes successive versions of a job, its start (resolved by the store's thread) and
   * its end (made from the start, not read from the store), while a cancel races them.
   */
  private static void workerRacingACancel(Model m) {
    m.write(0, JobEvent.Kind.CREATED);
    m.run(() -> m.startAndEnd(0), () -> m.write(0, JobEvent.Kind.UPDATED));
  }

  /**
   * A batch inserts b and c while a worker starts b as soon as it is stored, before the insert
   * returns, and a write of a fails.
   */
  private static void batchInsertRacingAWorkerAndAFailedWrite(Model m) {
    m.write(0, JobEvent.Kind.CREATED);
    m.run(() -> m.insertAll(1, 2), () -> m.startOnceStored(1), () -> m.refused(0));
  }

  /**
   * Jobs in a compare-and-set store and their writers. A job's snapshots are fixed in advance:
   * version 1 queued, 2 running, 3 and up cancelled.
   */
  private static final class Model {
    private static final int JOBS = 3;
    private static final int VERSIONS = 8;
    private static final Job[][] SNAPSHOTS = new Job[JOBS][VERSIONS + 1];

    static {
      for (int j = 0; j < JOBS; j++) {
        for (int v = 1; v <= VERSIONS; v++) {
          JobStatus status =
              v == 1 ? JobStatus.QUEUED : v == 2 ? JobStatus.RUNNING : JobStatus.CANCELLED;
          SNAPSHOTS[j][v] = job(String.valueOf((char) ('a' + j)), v, status);
        }
      }
    }

    private final Released released = new Released();
    private final OrderedRelease queue = new OrderedRelease(released);
    private final AtomicReferenceArray<Job> store = new AtomicReferenceArray<>(JOBS);

    void run(Runnable... threads) {
      Thread[] started = new Thread[threads.length];
      for (int i = 0; i < threads.length; i++) {
        started[i] = new Thread(threads[i]);
        started[i].start();
      }
      for (Thread t : started) {
        join(t);
      }
      verify();
    }

    /** Writes the job's next version (a creation if it has none) with its event queued first. */
    void write(int j, JobEvent.Kind kind) {
      Job cur = store.get(j);
      Job next = next(j, cur);
      PendingEvent p = Released.begin(queue, kind, next);
      p.resolve(store.compareAndSet(j, cur, next));
    }

    /** A write of the job's next version that the store refuses (it failed, or lost a race). */
    void refused(int j) {
      Released.begin(queue, JobEvent.Kind.UPDATED, next(j, store.get(j))).resolve(false);
    }

    /** Like a worker woken by the job's insert: reserves it once it is visible and starts it. */
    void startOnceStored(int j) {
      while (store.get(j) == null) {
        Thread.onSpinWait();
      }
      write(j, JobEvent.Kind.UPDATED);
    }

    /**
     * Like {@code JobWrites.writeAsync} for a reserved job's start, resolved on the store's thread,
     * and the end of the attempt that the worker writes from the start meanwhile.
     */
    void startAndEnd(int j) {
      Job reserved = store.get(j);
      Job started = next(j, reserved);
      PendingEvent start = Released.begin(queue, JobEvent.Kind.UPDATED, started);
      boolean ok = store.compareAndSet(j, reserved, started);
      Thread commit = new Thread(() -> start.resolve(ok));
      commit.start();
      if (ok) {
        Job ended = next(j, started);
        PendingEvent end = Released.begin(queue, JobEvent.Kind.UPDATED, ended);
        end.resolve(store.compareAndSet(j, started, ended));
      }
      join(commit);
    }

    /** Like a store's insertAll: the jobs are visible one by one, the events resolved together. */
    void insertAll(int... jobs) {
      List<PendingEvent> events = new ArrayList<>(jobs.length);
      for (int j : jobs) {
        events.add(Released.begin(queue, JobEvent.Kind.CREATED, SNAPSHOTS[j][1]));
      }
      boolean stored = true;
      for (int j : jobs) {
        stored &= store.compareAndSet(j, null, SNAPSHOTS[j][1]);
      }
      queue.resolveAll(events, stored);
    }

    private static Job next(int j, Job cur) {
      return SNAPSHOTS[j][cur == null ? 1 : (int) cur.version() + 1];
    }

    private static void join(Thread t) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    /**
     * Stored versions are 1 to the last, since each write's compare-and-set starts from the one
     * before; each must have been released once, in that order, and nothing else.
     */
    private void verify() {
      for (int j = 0; j < JOBS; j++) {
        Job last = store.get(j);
        long expected = 1;
        for (Job r : released.jobs) {
          if (r.id().equals(SNAPSHOTS[j][1].id())) {
            if (r.version() != expected) {
              throw new AssertionError("job " + r.id() + ": released " + released.events());
            }
            expected++;
          }
        }
        long stored = last == null ? 0 : last.version();
        if (expected - 1 != stored) {
          throw new AssertionError(
              "job "
                  + SNAPSHOTS[j][1].id()
                  + " stored up to version "
                  + stored
                  + ", released "
                  + released.events());
        }
      }
    }
  }
}
