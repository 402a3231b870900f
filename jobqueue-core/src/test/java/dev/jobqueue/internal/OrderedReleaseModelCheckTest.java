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
 * Model checking of {@link OrderedRelease}'s concurrent paths with Lincheck: writers and a claimer
 * run against a store that writes with compare-and-set as real stores do, and Lincheck explores
 * their interleavings. After each run every stored version must have been released exactly once,
 * each job's in version order, and no failed write released.
 *
 * <p>The code under test is kept lean (snapshots built beforehand, no assertion library inside), as
 * Lincheck instruments everything the threads run.
 */
class OrderedReleaseModelCheckTest {
  /** Per scenario; raise it (-Djobqueue.lincheck.invocations=5000) for a deeper search. */
  private static final int INVOCATIONS = Integer.getInteger("jobqueue.lincheck.invocations", 30);

  @BeforeAll
  static void initializeClassesOutsideLincheck() {
    concurrentWriters(new Model());
    claimRacingCreations(new Model());
    claimRacingTwinRetries(new Model());
  }

  @Test
  void concurrentWritersOfOneJobReleaseItsVersionsInOrder() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> concurrentWriters(new Model()));
  }

  @Test
  void aClaimRacingCreationsLeavesAfterTheCreationOfEachJobItTook() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> claimRacingCreations(new Model()));
  }

  @Test
  void aClaimRacingTwinRetriesLeavesAfterTheOneThatStored() {
    Lincheck.runConcurrentTest(INVOCATIONS, () -> claimRacingTwinRetries(new Model()));
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

  private static void claimRacingCreations(Model m) {
    m.run(
        () -> {
          m.write(0, JobEvent.Kind.CREATED);
          m.write(1, JobEvent.Kind.CREATED);
        },
        m::claim);
  }

  private static void claimRacingTwinRetries(Model m) {
    m.write(0, JobEvent.Kind.CREATED); // 1 queued
    m.claim(); // 2 running
    m.write(0, JobEvent.Kind.UPDATED); // 3 failed
    m.run(
        () -> m.write(0, JobEvent.Kind.UPDATED), // 4 queued (a retry)
        () -> m.write(0, JobEvent.Kind.UPDATED), // its twin, or a write of 5
        m::claim); // 5 running, if it comes after a retry
  }

  /**
   * Two jobs in a compare-and-set store and their writers. A job's snapshots are fixed in advance:
   * version 1 queued, 2 running, 3 failed, 4 queued (retried), 5 running, 6 and up running.
   */
  private static final class Model {
    private static final int JOBS = 2;
    private static final int VERSIONS = 8;
    private static final Job[][] SNAPSHOTS = new Job[JOBS][VERSIONS + 1];

    static {
      JobStatus[] status = {
        null, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED, JobStatus.QUEUED
      };
      for (int j = 0; j < JOBS; j++) {
        for (int v = 1; v <= VERSIONS; v++) {
          SNAPSHOTS[j][v] =
              job(
                  String.valueOf((char) ('a' + j)),
                  v,
                  v < status.length ? status[v] : JobStatus.RUNNING);
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
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      verify();
    }

    /** Writes the job's next version (a creation if it has none) with its event queued first. */
    void write(int j, JobEvent.Kind kind) {
      Job cur = store.get(j);
      Job next = SNAPSHOTS[j][cur == null ? 1 : (int) cur.version() + 1];
      PendingEvent p = Released.begin(queue, kind, next);
      p.resolve(store.compareAndSet(j, cur, next));
    }

    /** Like a store's claim: the store picks the queued jobs, so the marker is queued first. */
    void claim() {
      PendingEvent marker = Released.beginClaim(queue);
      List<Job> took = new ArrayList<>(JOBS);
      for (int j = 0; j < JOBS; j++) {
        Job cur = store.get(j);
        if (cur != null && cur.status() == JobStatus.QUEUED) {
          Job running = SNAPSHOTS[j][(int) cur.version() + 1];
          if (store.compareAndSet(j, cur, running)) {
            took.add(running);
          }
        }
      }
      marker.resolveClaim(took);
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
