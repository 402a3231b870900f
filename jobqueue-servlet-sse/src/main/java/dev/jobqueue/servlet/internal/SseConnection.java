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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE client. Frames are queued by the hub (any thread) and written with servlet non-blocking
 * I/O: a write happens only while {@link ServletOutputStream#isReady()} says so, otherwise the
 * container calls {@link #onWritePossible()} later. No thread ever waits for a client, so a client
 * that stops reading only fills its own bounded queue and is then dropped.
 *
 * <p>All state is guarded by this object's monitor; the hub's lock may be held while taking it
 * (hub → connection), never the other way round: {@link #close} releases the monitor before it
 * tells the hub.
 */
public final class SseConnection implements WriteListener, AsyncListener {
  private static final Logger log = LoggerFactory.getLogger(SseConnection.class);

  /** Outcome of a heartbeat tick. */
  enum Health { OK, STALLED, CLOSED }

  private final SseHub hub;
  private final AsyncContext async;
  private final StreamScope scope;
  private final String peer;
  private final PendingEvents pending;
  private final AtomicBoolean released = new AtomicBoolean();
  private ServletOutputStream out;
  private boolean started;
  private boolean listening;
  private boolean closed;
  private boolean flushNeeded;
  private long lastWriteNanos = System.nanoTime();

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

  /**
   * Queues a frame (hub lock held).
   *
   * @return false when the client is over its buffer and must be dropped
   */
  synchronized boolean enqueue(Frame f) {
    return closed || pending.offer(f);
  }

  /** Sends the connect-time frames, then everything queued since registration. */
  void start(List<Frame> first, Map<String, Long> snapshotVersions, long snapshotSequence,
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
      listening = true;
    }
    drain();
  }

  /** Writes queued frames while the container accepts them without blocking. */
  void drain() {
    Exception failure = null;
    synchronized (this) {
      if (closed || !started || !listening) {
        return;
      }
      try {
        while (out.isReady()) {
          Frame f = pending.poll();
          if (f == null) {
            if (!flushNeeded) {
              return;
            }
            // Containers buffer writes: flush so each event leaves now, not when a buffer fills.
            flushNeeded = false;
            out.flush();
            continue;
          }
          out.write(f.bytes());
          flushNeeded = true;
          lastWriteNanos = System.nanoTime();
        }
      } catch (IOException | RuntimeException e) {
        failure = e; // the peer went away, or the container closed the response under us
      }
    }
    if (failure != null) {
      close("write failed: " + failure, false);
    }
  }

  /**
   * Queues a comment when nothing else is pending, so idle connections stay open through
   * proxies and dead peers are found by the failed write.
   */
  Health heartbeat(Frame beat, long stallNanos) {
    synchronized (this) {
      if (closed) {
        return Health.CLOSED;
      }
      if (pending.isEmpty()) {
        pending.offer(beat);
      } else if (System.nanoTime() - lastWriteNanos > stallNanos) {
        return Health.STALLED;
      }
    }
    drain();
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
      log.warn("Dropped SSE client {}: {}; it will reconnect and get the current state", peer,
          reason);
    } else {
      log.debug("SSE client {} closed: {}", peer, reason);
    }
    release(dropped);
    try {
      async.complete();
    } catch (IllegalStateException alreadyDone) {
      // the container completed it first (client gone, or shutdown)
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
