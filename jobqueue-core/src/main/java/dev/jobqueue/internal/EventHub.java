package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.JobStatus;
import dev.jobqueue.Subscription;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored changes into events: numbers them, hands them to every listener's buffer and
 * completes waiters of finished jobs.
 *
 * <p>Each job's events must leave in version order although different threads store its versions (a
 * worker's claim racing a cancel, say). A writer therefore queues its event <em>before</em> it
 * writes ({@link #begin}) and marks it stored or abandoned after ({@link Pending#resolve}). Whoever
 * stores version n+1 read version n after it was stored, so its event is queued behind n's: queue
 * order is version order, and events leave the queue in that order, an unresolved write holding
 * back the rest until it returns (an unresolved creation holds back only its own job, as nothing
 * else can concern a job not stored yet). A claim is the one write the store makes on its own (it
 * picks the jobs); its marker is queued before the claim and may therefore overtake the event that
 * made a job it claims queued (its creation, a retry), so the drainer looks for that event among
 * those queued while the claim ran and, if it is there, releases the claim right after it.
 *
 * <p>Releasing never blocks: a writer that resolves an event drains the queue unless another thread
 * is draining, in which case that thread releases the event too. Only one thread drains at a time,
 * so numbering needs no lock. An earlier version of the hub kept each job's last released version
 * in a map under one lock; on 2 cores the lock and the cache misses of that large map cost more
 * than the events themselves.
 */
final class EventHub {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final int OPEN = 0;
  private static final int STORED = 1;
  private static final int ABANDONED = 2;
  private static final VarHandle NEXT;

  static {
    try {
      NEXT = MethodHandles.lookup().findVarHandle(Pending.class, "next", Pending.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One version of one job. */
  private record Version(String jobId, long version) {}

  /** A queued event (or a claim's events) whose write may still be in flight. */
  final class Pending {
    private final JobEvent.Kind kind;
    private final Job job;
    private final boolean statusChanged;

    /** The jobs a claim took; set before {@link #state} becomes STORED. */
    private List<Job> claimed;

    /**
     * For a claim: the last entry queued when it returned; what the claim saw was queued by then.
     */
    private Pending lastBeforeClaimEnded;

    /** Drainer only: a claim of this queued snapshot whose marker overtook this event. */
    private Job claimAfter;

    /** Drainer only: released while an entry before it still waits (see walk). */
    private boolean released;

    /** The entry queued after this one; null until its producer links it. Written through NEXT. */
    private volatile Pending next;

    private volatile int state;

    private Pending(JobEvent.Kind kind, Job job, boolean statusChanged) {
      this.kind = kind;
      this.job = job;
      this.statusChanged = statusChanged;
    }

    /** The write returned: release the event if it stored, drop it if not. */
    void resolve(boolean stored) {
      state = stored ? STORED : ABANDONED;
      drain();
    }

    /** The claim returned these jobs (each one's running snapshot). */
    void resolveClaim(List<Job> jobs) {
      claimed = jobs;
      lastBeforeClaimEnded = tail.get();
      resolve(!jobs.isEmpty());
    }
  }

  /** Resolves the events of one batch write, then releases them in one pass, not one per event. */
  void resolveAll(List<Pending> batch, boolean stored) {
    for (Pending p : batch) {
      p.state = stored ? STORED : ABANDONED;
    }
    drain();
  }

  /*
   * The queue: a linked list that producers append to by swapping the tail, and only the drainer
   * takes from (an intrusive multi-producer, single-consumer queue). An entry is its own node,
   * so queueing an event allocates nothing more, and the drainer can walk a claim's window.
   */
  private final AtomicReference<Pending> tail;

  /** Drainer only: the last entry taken (initially a placeholder); its {@code next} is the head. */
  private Pending taken;

  /** Threads that entered {@link #drain()}; the one that moved it from 0 drains for all. */
  private final AtomicInteger drainers = new AtomicInteger();

  /** The thread draining now, so that a waiter's callback that closes the queue cannot deadlock. */
  private final AtomicReference<Thread> drainer = new AtomicReference<>();

  private final CopyOnWriteArrayList<ListenerSubscription> subscriptions =
      new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, CompletableFuture<Job>> waiters =
      new ConcurrentHashMap<>();
  private final AtomicInteger listenerThreads = new AtomicInteger();
  private final int bufferSize;

  /** Completes waiters' futures, so their callbacks never run on a worker or a store's writer. */
  private final Executor completions;

  /** Written by the drainer only; volatile so that {@link #lastSequence()} reads it anywhere. */
  private volatile long sequence;

  /**
   * @param firstSequence the sequence before the first event; the queue passes epoch millis × 1000,
   *     so sequences keep increasing across restarts and an SSE client's Last-Event-ID from an
   *     earlier run can never name an event of this one
   */
  EventHub(int bufferSize, long firstSequence, Executor completions) {
    this.bufferSize = bufferSize;
    this.completions = completions;
    this.sequence = firstSequence;
    this.taken = new Pending(JobEvent.Kind.UPDATED, null, false);
    this.tail = new AtomicReference<>(taken);
  }

  private void enqueue(Pending p) {
    NEXT.setRelease(tail.getAndSet(p), p); // a release store is enough to publish the entry
  }

  /** Queues the event of a write about to be made; resolve it when the write returns. */
  Pending begin(JobEvent.Kind kind, Job next, boolean statusChanged) {
    Pending p = new Pending(kind, next, statusChanged);
    enqueue(p);
    return p;
  }

  /**
   * Makes one write with its event queued first; the event is released if the write returns true
   * and dropped if it returns false or throws.
   */
  boolean written(JobEvent.Kind kind, Job job, boolean statusChanged, BooleanSupplier write) {
    Pending p = begin(kind, job, statusChanged);
    boolean stored = false;
    try {
      stored = write.getAsBoolean();
      return stored;
    } finally {
      p.resolve(stored);
    }
  }

  /** Queues the marker of a claim about to be made; resolve it with the claimed jobs. */
  Pending beginClaim() {
    Pending p = new Pending(JobEvent.Kind.UPDATED, null, true);
    enqueue(p);
    return p;
  }

  /** Publishes a change already stored that no other event of its job can race (retention). */
  void publishStored(JobEvent.Kind kind, Job job) {
    begin(kind, job, true).resolve(true);
  }

  /**
   * Releases the resolved events at the head of the queue unless another thread is doing so; that
   * thread then sees ours before it stops, because it stops only when the count of entrants it
   * consumed matches.
   */
  private void drain() {
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
   * Drainer only: releases the resolved entries from the head on, up to an unresolved write. An
   * unresolved creation holds back only its own job's entries, so a large batch insert does not
   * stall every other job's events for its whole commit; no other entry can concern a job that does
   * not exist yet, except a claim of it, which waits for the creation as below.
   */
  private void walk() {
    Map<String, Pending> heldJobs = null;
    boolean atHead = true; // every entry before p has been taken
    // A null next may also be an entry whose producer has swapped the tail but not linked it
    // yet; that producer drains once it resolves the entry.
    for (Pending p = taken.next; p != null; p = p.next) {
      if (p.released) {
        if (atHead) {
          take(p);
        }
        continue;
      }
      int state = p.state;
      if (state == OPEN && p.kind != JobEvent.Kind.CREATED) {
        return; // its writer releases it, and what follows, when its write returns
      }
      if (state == OPEN
          || state == STORED
              && p.job != null
              && heldJobs != null
              && heldJobs.containsKey(p.job.id())) {
        if (heldJobs == null) {
          heldJobs = new HashMap<>();
        }
        heldJobs.put(p.job.id(), p); // the job's latest entry held back so far
        atHead = false;
        continue;
      }
      if (atHead) {
        take(p);
      } else {
        p.released = true; // stays linked, behind the creation passed over, until that is taken
      }
      try {
        dispatch(p, state, heldJobs);
      } catch (RuntimeException | Error e) {
        // a drain that died here would leave the count raised and stop every later event
        log.error("releasing an event of job {} failed", p.job == null ? "(claim)" : p.job.id(), e);
      }
    }
  }

  private void take(Pending p) {
    // Unlink the entry taken before: a dead entry that reached the old generation would
    // otherwise keep every later one alive until an old-generation collection.
    NEXT.setRelease(taken, null);
    taken = p;
  }

  /** Drainer only: releases what a resolved queue entry stands for. */
  private void dispatch(Pending p, int state, Map<String, Pending> heldJobs) {
    if (p.job == null) {
      if (state == STORED) {
        releaseClaimed(p, heldJobs);
      }
      return;
    }
    if (state == STORED) {
      release(p.kind, p.job, p.statusChanged);
    }
    if (p.claimAfter != null) {
      Pending twin = state == STORED ? null : laterTwin(p);
      if (twin != null) {
        // the claim was pinned on a write that lost its compare-and-set to this twin
        twin.claimAfter = p.claimAfter;
      } else {
        release(JobEvent.Kind.UPDATED, p.claimAfter, true);
      }
    }
  }

  /** A later entry that may have stored the same queued version as {@code failed}, or null. */
  private static Pending laterTwin(Pending failed) {
    for (Pending p = failed.next; p != null; p = p.next) {
      if (madeQueued(p, failed.job.id(), failed.job.version())) {
        return p;
      }
    }
    return null; // the twin that stored it was released already
  }

  /**
   * Drainer only. The event of the queued snapshot a claim took was queued before that snapshot was
   * stored, so before the claim returned: it is either taken already or among the entries queued
   * while the claim ran. A claim of one job walks those entries; a batch indexes them once, since a
   * durable store's claim may run while hundreds of entries are queued.
   */
  private void releaseClaimed(Pending claim, Map<String, Pending> heldJobs) {
    List<Job> jobs = claim.claimed;
    Map<Version, Pending> queuedWhileClaiming = null;
    if (jobs.size() > 1) {
      queuedWhileClaiming = new HashMap<>();
      for (Pending p = claim; (p = after(p, claim.lastBeforeClaimEnded)) != null; ) {
        if (madeQueued(p)) {
          queuedWhileClaiming.put(new Version(p.job.id(), p.job.version()), p);
        }
      }
    }
    for (Job running : jobs) {
      long from = running.version() - 1;
      // the entry that made the claimed version may be ahead, held back behind its job's
      // creation that is still being written
      Pending made = heldJobs == null ? null : heldJobs.get(running.id());
      if (made == null || !madeQueued(made) || made.job.version() != from) {
        made =
            queuedWhileClaiming != null
                ? queuedWhileClaiming.get(new Version(running.id(), from))
                : queuedWhileClaiming(claim, running.id(), from);
      }
      if (made != null) {
        made.claimAfter = running; // released right after the event of the version it claimed
      } else {
        release(JobEvent.Kind.UPDATED, running, true);
      }
    }
  }

  /** The entry queued while {@code claim} ran that made version {@code version} of the job. */
  private static Pending queuedWhileClaiming(Pending claim, String jobId, long version) {
    for (Pending p = claim; (p = after(p, claim.lastBeforeClaimEnded)) != null; ) {
      if (madeQueued(p, jobId, version)) {
        return p;
      }
    }
    return null;
  }

  /** The entry after {@code p}, or null once {@code p} is {@code last}. */
  private static Pending after(Pending p, Pending last) {
    if (p == last) {
      return null;
    }
    Pending n = p.next;
    while (n == null) {
      Thread.yield(); // its producer is between swapping the tail and linking: let it run
      n = p.next;
    }
    return n;
  }

  /**
   * An entry that may have stored a queued snapshot (not one whose write is known to have failed).
   */
  private static boolean madeQueued(Pending p) {
    return p.job != null
        && p.kind != JobEvent.Kind.DELETED
        && p.job.status() == JobStatus.QUEUED
        && p.state != ABANDONED;
  }

  private static boolean madeQueued(Pending p, String jobId, long version) {
    return madeQueued(p) && p.job.version() == version && p.job.id().equals(jobId);
  }

  /**
   * Waits until every event queued so far has left, or {@code timeoutMillis} passed (a write that
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

  /** Drainer only: numbers the event and buffers it for every listener. */
  private void release(JobEvent.Kind kind, Job job, boolean statusChanged) {
    long seq = sequence + 1;
    sequence = seq;
    JobEvent e = new JobEvent(kind, job, seq, statusChanged);
    for (ListenerSubscription s : subscriptions) {
      s.offer(e);
    }
    if (kind != JobEvent.Kind.DELETED && job.isTerminal() && !waiters.isEmpty()) {
      CompletableFuture<Job> f = waiters.remove(job.id());
      if (f != null) {
        // A callback that submits a job would wait for the store's writer, which may be this
        // very thread: complete the future elsewhere.
        try {
          completions.execute(() -> f.complete(job));
        } catch (RejectedExecutionException closing) {
          f.complete(job);
        }
      }
    }
  }

  long lastSequence() {
    return sequence;
  }

  Subscription subscribe(JobListener listener) {
    ListenerSubscription[] self = new ListenerSubscription[1];
    self[0] =
        new ListenerSubscription(
            listener,
            bufferSize,
            "jobqueue-listener-" + listenerThreads.incrementAndGet(),
            () -> subscriptions.remove(self[0]));
    subscriptions.add(self[0]);
    self[0].start();
    return self[0];
  }

  /** The future of a job's end; the caller checks the current state after registering. */
  CompletableFuture<Job> waiter(String jobId) {
    return waiters.computeIfAbsent(jobId, k -> new CompletableFuture<>());
  }

  void failWaiters(RuntimeException e) {
    flush(5_000);
    for (Map.Entry<String, CompletableFuture<Job>> w : waiters.entrySet()) {
      w.getValue().completeExceptionally(e);
    }
    waiters.clear();
  }

  void removeWaiter(String jobId, CompletableFuture<Job> f) {
    waiters.remove(jobId, f);
  }

  void closeListeners(long timeoutMillis) {
    flush(timeoutMillis);
    for (ListenerSubscription s : subscriptions) {
      try {
        s.drainAndStop(timeoutMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        s.close();
      }
    }
    subscriptions.clear();
  }
}
