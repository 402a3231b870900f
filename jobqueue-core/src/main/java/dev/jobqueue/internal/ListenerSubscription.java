package dev.jobqueue.internal;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.Subscription;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener with its own thread and buffer, so a slow or throwing listener never holds up a
 * worker or another listener.
 *
 * <p>The buffer keeps status events in order and never drops them. A progress-only event of a
 * job that already has one waiting supersedes it: the old one is voided and the new one queued
 * at the end, so delivery stays in sequence order (SSE clients resume by sequence). A status
 * event "closes" the job's waiting progress slot so later progress is never delivered before
 * it. When {@code capacity} live entries wait, new progress is dropped (the next status event
 * carries the state); status events are still kept, with a warning.
 *
 * <p>{@link #offer} is called by one thread at a time (the event hub's drainer), the listener
 * thread consumes; they share only a lock-free queue, the live count and each progress slot's
 * event, which exactly one side takes. After delivering, the listener thread first naps briefly
 * (events that arrive meanwhile wait at most {@link #BUSY_NAP_NANOS}) and only then sleeps until
 * an offer wakes it, so a busy queue wakes it about once per nap instead of once per event.
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

    /** The event, for whichever side comes first: the consumer delivering, or the producer voiding. */
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
  private final ConcurrentLinkedQueue<Object> buffer = new ConcurrentLinkedQueue<>();
  /** Entries in {@link #buffer} still to be delivered (voided slots excluded). */
  private final AtomicInteger live = new AtomicInteger();
  /** Producer only: each job's latest queued progress slot. */
  private final HashMap<String, ProgressSlot> openSlots = new HashMap<>();
  /** Producer only: slots voided since the last compaction. */
  private int voided;
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
    String id = event.jobId();
    if (!event.statusChanged() && event.kind() == JobEvent.Kind.UPDATED) {
      ProgressSlot old = openSlots.get(id);
      if (old != null && old.take() != null) {
        live.decrementAndGet();
        coalesced++;
        if (++voided > Math.max(64, capacity)) {
          // a stalled listener must not keep one voided slot per progress report
          buffer.removeIf(o -> o instanceof ProgressSlot s && s.isVoid());
          voided = 0;
        }
      } else if (live.get() >= capacity) {
        dropped++;
        warnOverflow();
        return;
      }
      ProgressSlot slot = new ProgressSlot(event);
      openSlots.put(id, slot);
      buffer.add(slot);
      live.incrementAndGet();
    } else {
      openSlots.remove(id);
      buffer.add(event);
      if (live.incrementAndGet() > capacity) {
        warnOverflow();
      }
    }
    if (consumerParked) {
      LockSupport.unpark(thread);
    }
  }

  private void warnOverflow() {
    if (!overflowWarned) {
      overflowWarned = true;
      log.warn("listener {} is falling behind: {} events buffered; progress events are being dropped,"
          + " status events are kept", listener, live.get());
    }
  }

  private void run() {
    boolean napped = false;
    while (!closed) {
      Object o = buffer.poll();
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
          if (buffer.isEmpty() && !closed && !draining) {
            LockSupport.park(this);
          }
          consumerParked = false;
        }
        if (Thread.interrupted() && buffer.isEmpty()) {
          closed = true;
        }
        continue;
      }
      napped = false;
      JobEvent e = o instanceof ProgressSlot slot ? slot.take() : (JobEvent) o;
      if (e == null) {
        continue; // voided by a later progress report of the same job
      }
      live.decrementAndGet();
      try {
        listener.onEvent(e);
      } catch (Throwable t) {
        failures++;
        log.warn("listener {} threw on event {} of job {}; it keeps receiving events",
            listener, e.sequence(), e.jobId(), t);
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
    buffer.clear();
    live.set(0);
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
    return Math.max(0, live.get());
  }
}
