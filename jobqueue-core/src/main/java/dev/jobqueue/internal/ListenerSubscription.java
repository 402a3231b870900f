package dev.jobqueue.internal;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
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
 */
final class ListenerSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(ListenerSubscription.class);

  /** A waiting progress event that later progress of the same job may replace. */
  private static final class ProgressSlot {
    JobEvent event;

    ProgressSlot(JobEvent event) {
      this.event = event;
    }
  }

  private final JobListener listener;
  private final int capacity;
  private final Runnable onClose;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Object> buffer = new ArrayDeque<>();
  /** Voided progress slots still in {@link #buffer}; compacted away when they pile up. */
  private int voided;
  private final HashMap<String, ProgressSlot> openSlots = new HashMap<>();
  private final Thread thread;
  private boolean consumerWaiting;
  private boolean closed;
  private boolean draining;
  private boolean overflowWarned;
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

  void offer(JobEvent event) {
    lock.lock();
    try {
      if (closed || draining) {
        return;
      }
      String id = event.jobId();
      if (!event.statusChanged() && event.kind() == JobEvent.Kind.UPDATED) {
        ProgressSlot old = openSlots.get(id);
        if (old != null) {
          old.event = null;
          voided++;
          coalesced++;
          if (voided > 64 && voided > buffer.size() / 2) {
            buffer.removeIf(o -> o instanceof ProgressSlot s && s.event == null);
            voided = 0;
          }
        } else if (buffer.size() - voided >= capacity) {
          dropped++;
          warnOverflow();
          return;
        }
        ProgressSlot slot = new ProgressSlot(event);
        openSlots.put(id, slot);
        buffer.addLast(slot);
      } else {
        openSlots.remove(id);
        buffer.addLast(event);
        if (buffer.size() - voided > capacity) {
          warnOverflow();
        }
      }
      if (consumerWaiting) {
        changed.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  private void warnOverflow() {
    if (!overflowWarned) {
      overflowWarned = true;
      log.warn("listener {} is falling behind: {} events buffered; progress events are being dropped,"
          + " status events are kept", listener, buffer.size());
    }
  }

  private void run() {
    List<JobEvent> batch = new ArrayList<>();
    while (true) {
      lock.lock();
      try {
        while (buffer.isEmpty() && !closed && !draining) {
          consumerWaiting = true;
          try {
            changed.await();
          } catch (InterruptedException e) {
            closed = true;
          } finally {
            consumerWaiting = false;
          }
        }
        if (closed || buffer.isEmpty()) {
          break;
        }
        for (Object o; (o = buffer.pollFirst()) != null; ) {
          if (o instanceof ProgressSlot slot) {
            if (slot.event != null) {
              openSlots.remove(slot.event.jobId(), slot);
              batch.add(slot.event);
            }
          } else {
            batch.add((JobEvent) o);
          }
        }
        voided = 0;
        overflowWarned = false;
      } finally {
        lock.unlock();
      }
      for (JobEvent e : batch) {
        try {
          listener.onEvent(e);
        } catch (Throwable t) {
          failures++;
          log.warn("listener {} threw on event {} of job {}; it keeps receiving events",
              listener, e.sequence(), e.jobId(), t);
        }
        delivered++;
      }
      batch.clear();
    }
  }

  /** Delivers what is buffered, waiting up to {@code timeoutMillis}, then stops the thread. */
  void drainAndStop(long timeoutMillis) throws InterruptedException {
    lock.lock();
    try {
      draining = true;
      changed.signal();
    } finally {
      lock.unlock();
    }
    if (Thread.currentThread() != thread) {
      thread.join(TimeUnit.MILLISECONDS.toMillis(Math.max(1, timeoutMillis)));
    }
    close();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      buffer.clear();
      openSlots.clear();
      voided = 0;
      changed.signal();
    } finally {
      lock.unlock();
    }
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

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
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
    lock.lock();
    try {
      return buffer.size() - voided;
    } finally {
      lock.unlock();
    }
  }
}
