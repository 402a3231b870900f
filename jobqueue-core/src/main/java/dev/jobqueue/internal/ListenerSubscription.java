package dev.jobqueue.internal;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.Subscription;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener with its own thread and buffer, so a slow or throwing listener never holds up a
 * worker or another listener.
 *
 * <p>The buffer keeps status events in order and never drops them. A progress-only event of a job
 * that already has one waiting supersedes it: the old one is voided and the new one queued at the
 * end, so delivery stays in sequence order (SSE clients resume by sequence). A status event
 * "closes" the job's waiting progress slot so later progress is never delivered before it. When
 * {@code capacity} live entries wait, new progress is dropped (the next status event carries the
 * state); status events are still kept, with a warning.
 *
 * <p>{@link #offer} is called by one thread at a time (the event hub's drainer), the listener
 * thread consumes; they share a single-producer single-consumer linked queue, counters each side
 * writes alone, and each progress slot's event, which exactly one side takes. Progress is also
 * dropped once about twice {@code capacity} entries wait, voided slots included, so a stalled
 * listener does not keep a voided slot per progress report. After delivering, the listener thread
 * first naps briefly (events that arrive meanwhile wait at most {@link #BUSY_NAP_NANOS}) and only
 * then sleeps until an offer wakes it, so a busy queue wakes it about once per nap instead of once
 * per event.
 */
final class ListenerSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(ListenerSubscription.class);

  /** How long a listener thread that just delivered waits for more before it sleeps until woken. */
  private static final long BUSY_NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  /** A waiting progress event that later progress of the same job may void. */
  private static final class ProgressSlot {
    private static final VarHandle EVENT;

    static {
      try {
        EVENT = MethodHandles.lookup().findVarHandle(ProgressSlot.class, "event", JobEvent.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused") // through EVENT
    private volatile JobEvent event;

    ProgressSlot(JobEvent event) {
      this.event = event;
    }

    /**
     * The event, for whichever side comes first: the consumer delivering, or the producer voiding.
     */
    JobEvent take() {
      return (JobEvent) EVENT.getAndSet(this, null);
    }

    boolean isVoid() {
      return event == null;
    }
  }

  private final JobListener listener;
  private final int capacity;
  private final Runnable onClose;

  /** A queue entry: a {@link JobEvent} or a {@link ProgressSlot}. */
  private static final class Node {
    private static final VarHandle NEXT;

    static {
      try {
        NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    Object item;

    /** Linked with a volatile store; unlinked (by the consumer) with a release store via NEXT. */
    volatile Node next;

    Node(Object item) {
      this.item = item;
    }
  }

  /** Consumer only: the last node taken; its {@code next} is the first entry. */
  private Node head = new Node(null);

  /** Producer only: the last node added. */
  private Node tail = head;

  /** Written by the producer only: entries added, and progress slots it voided. */
  private final AtomicLong added = new AtomicLong();

  private final AtomicLong voided = new AtomicLong();

  /** Written by the consumer only: entries taken, and those of them that held an event. */
  private final AtomicLong taken = new AtomicLong();

  private final AtomicLong takenLive = new AtomicLong();

  /** Producer only: each job's latest queued progress slot. */
  private final HashMap<String, ProgressSlot> openSlots = new HashMap<>();

  private final Thread thread;
  private volatile boolean consumerParked;
  private volatile boolean closed;
  private volatile boolean draining;
  private volatile boolean overflowWarned;
  private volatile long delivered;
  private volatile long coalesced;
  private volatile long failures;
  private volatile long dropped;

  ListenerSubscription(JobListener listener, int capacity, String threadName, Runnable onClose) {
    this.listener = listener;
    this.capacity = capacity;
    this.onClose = onClose;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Called by one thread at a time. */
  void offer(JobEvent event) {
    if (closed || draining) {
      return;
    }
    if (!event.statusChanged() && event.kind() == JobEvent.Kind.UPDATED) {
      String id = event.jobId();
      if (added.get() - taken.get() >= 2L * capacity + 64) {
        // a stalled listener must not keep one voided slot per progress report
        dropped++;
        warnOverflow();
        return;
      }
      ProgressSlot old = openSlots.get(id);
      if (old != null && old.take() != null) {
        voided.lazySet(voided.get() + 1);
        coalesced++;
      } else if (live() >= capacity) {
        dropped++;
        warnOverflow();
        return;
      }
      ProgressSlot slot = new ProgressSlot(event);
      openSlots.put(id, slot);
      add(slot);
    } else {
      if (!openSlots.isEmpty()) {
        openSlots.remove(event.jobId());
      }
      add(event);
      if (live() > capacity) {
        warnOverflow();
      }
    }
    if (consumerParked) {
      LockSupport.unpark(thread);
    }
  }

  private void add(Object item) {
    Node n = new Node(item);
    added.lazySet(added.get() + 1); // counted first, so the consumer never counts it before us
    // A volatile store: the check of consumerParked that follows must not be ordered before it,
    // or a consumer that is just parking would miss this entry and sleep.
    tail.next = n;
    tail = n;
  }

  /** Entries still to be delivered; each entry's event is taken once, by the consumer or voided. */
  private long live() {
    return added.get() - voided.get() - takenLive.get();
  }

  private void warnOverflow() {
    if (!overflowWarned) {
      overflowWarned = true;
      log.warn(
          "listener {} is falling behind: {} events buffered; progress events are being dropped,"
              + " status events are kept",
          listener,
          live());
    }
  }

  /** Consumer only. */
  private Object poll() {
    Node h = head;
    Node n = h.next;
    if (n == null) {
      return null;
    }
    Node.NEXT.setRelease(
        h, null); // a dead node in the old generation must not keep later ones alive
    head = n;
    Object item = n.item;
    n.item = null;
    taken.lazySet(taken.get() + 1);
    return item;
  }

  private void run() {
    boolean napped = false;
    while (!closed) {
      Object o = poll();
      if (o == null) {
        if (draining) {
          break;
        }
        overflowWarned = false;
        if (!napped) {
          // Busy: nap without asking to be woken. A wake-up per event (a futex call on the
          // publishing thread and a context switch here) cost more than delivering it.
          napped = true;
          LockSupport.parkNanos(this, BUSY_NAP_NANOS);
        } else {
          consumerParked = true;
          if (head.next == null && !closed && !draining) {
            LockSupport.park(this);
          }
          consumerParked = false;
        }
        if (Thread.interrupted() && head.next == null) {
          closed = true;
        }
        continue;
      }
      napped = false;
      JobEvent e = o instanceof ProgressSlot slot ? slot.take() : (JobEvent) o;
      if (e == null) {
        continue; // voided by a later progress report of the same job
      }
      takenLive.lazySet(takenLive.get() + 1);
      try {
        listener.onEvent(e);
      } catch (Throwable t) {
        failures++;
        log.warn(
            "listener {} threw on event {} of job {}; it keeps receiving events",
            listener,
            e.sequence(),
            e.jobId(),
            t);
      }
      delivered++;
    }
  }

  /** Delivers what is buffered, waiting up to {@code timeoutMillis}, then stops the thread. */
  void drainAndStop(long timeoutMillis) throws InterruptedException {
    draining = true;
    LockSupport.unpark(thread);
    if (Thread.currentThread() != thread) {
      thread.join(TimeUnit.MILLISECONDS.toMillis(Math.max(1, timeoutMillis)));
    }
    close();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    LockSupport.unpark(thread);
    onClose.run();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        thread.interrupt();
      }
    }
  }

  @Override
  public long delivered() {
    return delivered;
  }

  @Override
  public long coalesced() {
    return coalesced + dropped;
  }

  @Override
  public long failures() {
    return failures;
  }

  @Override
  public int backlog() {
    return closed ? 0 : (int) Math.max(0, live());
  }
}
