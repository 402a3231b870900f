package dev.jobqueue.internal;

import static dev.jobqueue.internal.PendingEvent.ABANDONED;
import static dev.jobqueue.internal.PendingEvent.NEXT;
import static dev.jobqueue.internal.PendingEvent.OPEN;
import static dev.jobqueue.internal.PendingEvent.STORED;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases the events of stored writes to a {@link Sink} in each job's version order, although
 * different threads store a job's versions (a worker's end racing a cancel, say, or written while
 * the store's thread still commits the worker's start), without a lock or a per-job table.
 *
 * <p>A writer queues its event <em>before</em> it writes ({@link #enqueue}) and resolves it after
 * ({@link PendingEvent#resolve}); a batch insert resolves its events together ({@link
 * #resolveAll}). Events leave in queue order, which the invariants below make each job's version
 * order.
 *
 * <p>Releasing never blocks: a writer that resolves an entry drains the queue unless another thread
 * is draining, in which case that thread releases the entry too. Only one thread drains at a time,
 * so the sink is called by one thread at a time and needs no lock.
 */
final class OrderedRelease {
  private static final Logger log = LoggerFactory.getLogger(OrderedRelease.class);

  /** Receives the released events; called by the draining thread only, one event at a time. */
  interface Sink {
    void release(JobEvent.Kind kind, Job job, boolean statusChanged);
  }

  private final Sink sink;

  /*
   * The queue: a linked list that producers append to by swapping the tail, and only the drainer
   * takes from (an intrusive multi-producer, single-consumer queue).
   */
  private final AtomicReference<PendingEvent> tail;

  /** Drainer only: the last entry taken (initially a placeholder); its {@code next} is the head. */
  private PendingEvent taken;

  /** Threads that entered {@link #drain()}; the one that moved it from 0 drains for all. */
  private final AtomicInteger drainers = new AtomicInteger();

  /** The thread draining now, so that a sink's callback that flushes cannot deadlock. */
  private final AtomicReference<Thread> drainer = new AtomicReference<>();

  OrderedRelease(Sink sink) {
    this.sink = sink;
    this.taken = new PendingEvent(this, JobEvent.Kind.UPDATED, null, false); // never released
    this.tail = new AtomicReference<>(taken);
  }

  /**
   * Queues an entry; call it before the write the entry stands for is issued.
   *
   * <p>Invariant (version order): an entry is queued before anyone can read the version its write
   * stores, and whoever writes version n+1 of a job made it from version n, which it either read
   * from the store once n was stored (a reservation's snapshot is such a read) or wrote itself
   * earlier, or was handed by the thread that did (a worker writes the end of an attempt from its
   * start, which may still be committing: {@code JobWrites.writeAsync}). Either way n's entry was
   * queued before n+1's, so queue order is version order for every job's stored versions. Two
   * writers that made their next version from the same one both queue an entry for it; the store's
   * compare-and-set keeps one, and the other's entry is dropped. A deletion is queued the same way,
   * so it leaves after the event of the version it deleted.
   */
  <P extends PendingEvent> P enqueue(P p) {
    NEXT.setRelease(tail.getAndSet(p), p); // a release store is enough to publish the entry
    return p;
  }

  /** Resolves the events of one batch write, then releases them in one pass, not one per event. */
  void resolveAll(List<? extends PendingEvent> batch, boolean stored) {
    for (PendingEvent p : batch) {
      p.state = stored ? STORED : ABANDONED;
    }
    drain();
  }

  /**
   * Releases the resolved entries at the head of the queue unless another thread is doing so.
   *
   * <p>Invariant (nothing stranded): that thread then sees ours before it stops, because it stops
   * only when the count of entrants it consumed matches; so once every writer has resolved its
   * entry and returned, every entry has left.
   */
  void drain() {
    if (drainers.getAndIncrement() != 0) {
      return;
    }
    Thread me = Thread.currentThread();
    drainer.set(me);
    int entered = 1;
    do {
      walk();
      entered = drainers.addAndGet(-entered);
    } while (entered != 0);
    drainer.compareAndSet(me, null);
  }

  /**
   * Drainer only: releases the resolved entries from the head on, up to an unresolved write.
   *
   * <p>Invariant (a creation holds back only its own job): an unresolved creation holds back only
   * its own job's entries, so a large batch insert does not stall every other job's events for its
   * whole commit. Nothing else can concern a job not stored yet, except writes by those who read it
   * once it was stored but before the insert returned (a worker starting it from a reservation,
   * say); their entries were queued after the creation's, and are held here behind it.
   */
  private void walk() {
    Set<String> heldJobs = null;
    boolean atHead = true; // every entry before p has been taken
    // A null next may also be an entry whose producer has swapped the tail but not linked it
    // yet; that producer drains once it resolves the entry.
    for (PendingEvent p = taken.next; p != null; p = p.next) {
      if (p.released) {
        if (atHead) {
          take(p);
        }
        continue;
      }
      int state = p.state;
      if (state == OPEN && p.kind != JobEvent.Kind.CREATED) {
        // Invariant (version order): an unresolved write holds back every entry after it, as a
        // later entry may be the next version of its job. Its writer drains when it resolves it.
        return;
      }
      // a held job's abandoned write passes: it has nothing to release
      if (state == OPEN || state == STORED && heldJobs != null && heldJobs.contains(p.job.id())) {
        if (heldJobs == null) {
          heldJobs = new HashSet<>();
        }
        heldJobs.add(p.job.id());
        atHead = false;
        continue;
      }
      if (atHead) {
        take(p);
      } else {
        p.released = true; // stays linked, behind the creation passed over, until that is taken
      }
      if (state == STORED) {
        try {
          sink.release(p.kind, p.job, p.statusChanged);
        } catch (RuntimeException | Error e) {
          // a drain that died here would leave the count raised and stop every later event
          log.error("releasing an event of job {} failed", p.job.id(), e);
        }
      }
    }
  }

  private void take(PendingEvent p) {
    // Unlink the entry taken before: a dead entry that reached the old generation would
    // otherwise keep every later one alive until an old-generation collection.
    NEXT.setRelease(taken, null);
    taken = p;
  }

  /**
   * Waits until every entry queued so far has left, or {@code timeoutMillis} passed (a write that
   * never returns would otherwise hold up a closing queue).
   */
  void flush(long timeoutMillis) {
    if (drainer.get() == Thread.currentThread()) {
      return; // called back from inside a release; the drain loop we are in finishes the rest
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    drain();
    while (drainers.get() != 0 || tail.get() != taken) {
      if (System.nanoTime() > deadline) {
        log.warn(
            "job events were still waiting for their writes after {} ms; not delivered",
            timeoutMillis);
        return;
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
      drain();
    }
  }
}
