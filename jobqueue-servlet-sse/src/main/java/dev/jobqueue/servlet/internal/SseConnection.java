package dev.jobqueue.servlet.internal;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE client. The hub queues frames on it from the queue's listener thread and only marks it
 * ready; a writer thread of the hub's pool then drains it with servlet non-blocking I/O: frames are
 * written while {@link ServletOutputStream#isReady()} says so, several per flush, and when the
 * container stops accepting bytes the connection parks until the container calls {@link
 * #onWritePossible()}. No thread ever waits for a client, so a client that stops reading only fills
 * its own bounded queue and is then dropped, and the listener thread never does I/O.
 *
 * <p>At most one writer drains a connection at a time ({@code scheduled}); a frame queued while it
 * drains is picked up by that same run, otherwise the connection is handed to the pool again. State
 * below is guarded by this object's monitor, held only for queue operations, never during I/O. The
 * hub's lock may be held while taking it (hub → connection), never the other way round: {@link
 * #close} releases the monitor before it tells the hub.
 */
public final class SseConnection implements WriteListener, AsyncListener, Runnable {
  private static final Logger log = LoggerFactory.getLogger(SseConnection.class);

  /** Frames one writer run writes before the connection goes to the back of the line. */
  private static final int FRAMES_PER_TURN = 64;

  /** Outcome of a heartbeat tick. */
  enum Health {
    OK,
    STALLED,
    CLOSED
  }

  /** Outcome of {@link #enqueue}. */
  enum Offer {
    /** Queued; a writer already has it or it cannot be written now. */
    QUEUED,
    /** Queued, and the caller must hand the connection to the writer pool. */
    SCHEDULE,
    /** Over its buffer: the caller must drop the client. */
    OVERFLOW
  }

  private final SseHub hub;
  private final AsyncContext async;
  private final StreamScope scope;
  private final String peer;
  private final PendingEvents pending;
  private final AtomicBoolean released = new AtomicBoolean();
  // guarded by this
  private boolean started;

  /** The container called onWritePossible at least once: writing may begin. */
  private boolean listening;

  private volatile boolean closed;

  /**
   * Held around every call on the output stream and around {@code async.complete()}: once a stream
   * is completed the container recycles its objects for another request (Tomcat does), so a writer
   * still inside write() or flush() would write into someone else's response.
   */
  private final ReentrantLock io = new ReentrantLock();

  /** A writer owns the connection (queued in the pool or draining it). */
  private boolean scheduled;

  /** isReady() said no: waiting for onWritePossible, queuing frames meanwhile. */
  private boolean parked;

  /** onWritePossible arrived while a writer owned the connection. */
  private boolean wakeup;

  // used only by the writer that owns the connection
  private volatile ServletOutputStream out;
  private boolean flushNeeded;
  private volatile long lastWriteNanos = System.nanoTime();

  SseConnection(SseHub hub, AsyncContext async, StreamScope scope, String peer, int capacity) {
    this.hub = hub;
    this.async = async;
    this.scope = scope;
    this.peer = peer;
    this.pending = new PendingEvents(capacity);
  }

  StreamScope scope() {
    return scope;
  }

  /** Queues a frame (hub lock held); the caller dispatches on {@link Offer#SCHEDULE}. */
  synchronized Offer enqueue(Frame f) {
    if (closed) {
      return Offer.QUEUED;
    }
    if (!pending.offer(f)) {
      return Offer.OVERFLOW;
    }
    return claim() ? Offer.SCHEDULE : Offer.QUEUED;
  }

  /** Takes ownership for a writer when one is needed and may write now (monitor held). */
  private boolean claim() {
    if (scheduled || parked || !listening || closed) {
      return false;
    }
    scheduled = true;
    return true;
  }

  /** Sends the connect-time frames, then everything queued since registration. */
  void start(
      List<Frame> first,
      Map<String, Long> snapshotVersions,
      long snapshotSequence,
      ServletOutputStream out) {
    synchronized (this) {
      if (closed) {
        return;
      }
      pending.prepend(first, snapshotVersions, snapshotSequence);
      this.out = out;
      started = true;
    }
    // The container calls onWritePossible once the stream is writable; writing starts there.
    out.setWriteListener(this);
  }

  @Override
  public void onWritePossible() {
    synchronized (this) {
      if (closed || !started) {
        return;
      }
      listening = true;
      parked = false;
      if (scheduled) {
        wakeup = true; // the owning writer may be about to park: it looks again instead
        return;
      }
      scheduled = true;
    }
    hub.dispatch(this);
  }

  /**
   * A writer's turn: writes queued frames while the container accepts them without blocking,
   * flushing once when the queue runs dry (or the turn ends) so several frames share a flush.
   */
  @Override
  public void run() {
    ServletOutputStream o = out;
    int budget = FRAMES_PER_TURN;
    try {
      while (true) {
        Boolean ready = io(() -> o.isReady());
        if (ready == null) {
          return; // closed meanwhile
        }
        if (!ready) {
          synchronized (this) {
            if (wakeup) {
              wakeup = false;
              continue; // onWritePossible came in between: look again
            }
            parked = true;
            scheduled = false;
            return; // the container calls onWritePossible when it can take more
          }
        }
        Frame f = null;
        if (budget > 0) {
          synchronized (this) {
            if (closed) {
              scheduled = false;
              return;
            }
            f = pending.poll();
          }
        }
        if (f != null) {
          budget--;
          Frame frame = f;
          if (io(
                  () -> {
                    o.write(frame.bytes());
                    return Boolean.TRUE;
                  })
              == null) {
            return;
          }
          flushNeeded = true;
          lastWriteNanos = System.nanoTime();
          continue;
        }
        if (flushNeeded) {
          // Containers buffer writes: flush so the events leave now, not when a buffer fills.
          flushNeeded = false;
          if (io(
                  () -> {
                    o.flush();
                    return Boolean.TRUE;
                  })
              == null) {
            return;
          }
          continue;
        }
        synchronized (this) {
          if (closed || pending.isEmpty()) {
            scheduled = false;
            wakeup = false;
            return;
          }
          if (budget > 0) {
            continue; // frames arrived during the flush
          }
        }
        hub.dispatch(this); // turn used up with more to send: to the back of the line
        return;
      }
    } catch (IOException | RuntimeException e) {
      // the peer went away, or the container closed the response under us
      synchronized (this) {
        scheduled = false;
      }
      close("write failed: " + e, false);
    } catch (Error e) {
      close("writer failed: " + e, false); // never leave the stream owned by a dead run
      throw e;
    }
  }

  /** One call on the output stream; null (and the connection given up) once it is closed. */
  private Boolean io(IoCall call) throws IOException {
    io.lock();
    try {
      if (closed) {
        synchronized (this) {
          scheduled = false;
        }
        return null;
      }
      return call.run();
    } finally {
      io.unlock();
    }
  }

  @FunctionalInterface
  private interface IoCall {
    Boolean run() throws IOException;
  }

  /**
   * Queues a comment when nothing else is pending, so idle connections stay open through proxies
   * and dead peers are found by the failed write.
   */
  Health heartbeat(Frame beat, long stallNanos) {
    synchronized (this) {
      if (closed) {
        return Health.CLOSED;
      }
      if (!pending.isEmpty()) {
        return System.nanoTime() - lastWriteNanos > stallNanos ? Health.STALLED : Health.OK;
      }
      pending.offer(beat);
      if (!claim()) {
        return Health.OK;
      }
    }
    hub.dispatch(this);
    return Health.OK;
  }

  synchronized int backlog() {
    return pending.size();
  }

  /**
   * Ends the stream and releases it from the hub; idempotent.
   *
   * @param dropped whether we end it because the client is too slow (logged at WARN)
   */
  void close(String reason, boolean dropped) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      pending.clear();
    }
    if (dropped) {
      log.warn(
          "Dropped SSE client {}: {}; it will reconnect and get the current state", peer, reason);
    } else {
      log.debug("SSE client {} closed: {}", peer, reason);
    }
    release(dropped);
    io.lock(); // a writer inside write() or flush() finishes that call first
    try {
      async.complete();
    } catch (IllegalStateException alreadyDone) {
      // the container completed it first (client gone, or shutdown)
    } finally {
      io.unlock();
    }
  }

  /** Gives the connection's slot back exactly once, whichever path closes it. */
  void release(boolean dropped) {
    if (released.compareAndSet(false, true)) {
      hub.release(this, dropped);
    }
  }

  @Override
  public void onError(Throwable t) {
    close("stream error: " + t, false);
  }

  @Override
  public void onComplete(AsyncEvent event) {
    close("completed", false);
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    close("timed out", false);
  }

  @Override
  public void onError(AsyncEvent event) {
    close("error: " + event.getThrowable(), false);
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // not re-dispatched
  }

  @Override
  public String toString() {
    return "SSE client " + peer;
  }
}
