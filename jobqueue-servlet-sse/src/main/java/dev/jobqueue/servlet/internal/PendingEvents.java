package dev.jobqueue.servlet.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One SSE client's bounded queue of frames not yet written, with progress coalescing. Not
 * thread-safe: its connection guards it.
 *
 * <p>A new frame about a job supersedes that job's pending coalescible frame (a progress update or
 * snapshot entry): the old one is skipped and the new one queued at the tail, so ids on the wire
 * keep increasing and a client resuming from the last id it saw misses nothing. Status changes and
 * deletions are never superseded. When more than {@code capacity} frames are pending after
 * coalescing, {@link #offer} reports an overflow and the client is dropped: it reconnects and gets
 * the current state.
 */
public final class PendingEvents {
  private int capacity;
  private final ArrayDeque<Frame> queue = new ArrayDeque<>(4);

  /** The newest pending frame per job; a coalescible frame not found here was superseded. */
  private final Map<String, Frame> newestByJob = new HashMap<>(4);

  private int live;
  private int superseded;

  /** Frames about snapshot jobs at or below these versions are stale until staleUntil. */
  private Map<String, Long> snapshotVersions;

  private long staleUntil = -1;

  public PendingEvents(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Queues a frame.
   *
   * @return false when the client is over capacity and must be dropped
   */
  public boolean offer(Frame f) {
    if (isStale(f)) {
      return true;
    }
    if (f.jobId() != null) {
      Frame previous = newestByJob.put(f.jobId(), f);
      if (previous != null && previous.coalescible()) {
        live--;
        superseded++;
      }
    }
    queue.addLast(f);
    live++;
    if (superseded > 64 && superseded > live) {
      compact();
    }
    return live <= capacity;
  }

  /** The next frame to write, or null when nothing is pending. */
  public Frame poll() {
    Frame f;
    while ((f = queue.pollFirst()) != null) {
      if (f.jobId() == null) {
        live--;
        return f;
      }
      Frame newest = newestByJob.get(f.jobId());
      if (newest == f) {
        newestByJob.remove(f.jobId());
      } else if (f.coalescible()) {
        superseded--;
        continue; // replaced by a newer frame further back
      }
      live--;
      return f;
    }
    return null;
  }

  /**
   * Puts the connect-time frames (hints and snapshot) before the live frames that arrived while the
   * snapshot was read, and drops those live frames that the snapshot already shows, and any such
   * frame still to come with a sequence up to {@code snapshotSequence}. The capacity grows by the
   * snapshot's size.
   */
  public void prepend(List<Frame> first, Map<String, Long> versions, long snapshotSequence) {
    snapshotVersions = versions.isEmpty() ? null : versions;
    staleUntil = snapshotVersions == null ? -1 : snapshotSequence;
    ArrayDeque<Frame> rest = new ArrayDeque<>(queue);
    queue.clear();
    newestByJob.clear();
    live = 0;
    superseded = 0;
    for (Frame f : first) {
      offer(f);
    }
    // The snapshot may be larger than the live capacity; it must not count against it.
    capacity += first.size();
    for (Frame f : rest) {
      offer(f); // re-offering in order coalesces and drops the stale ones
    }
  }

  private boolean isStale(Frame f) {
    if (snapshotVersions == null || f.jobId() == null || f.sequence() < 0) {
      return false;
    }
    if (f.sequence() > staleUntil) {
      snapshotVersions = null; // past the snapshot: nothing can be stale any more
      return false;
    }
    Long shown = snapshotVersions.get(f.jobId());
    return shown != null && f.version() <= shown;
  }

  /** Drops superseded frames so a stream of progress updates cannot grow the queue unbounded. */
  private void compact() {
    ArrayDeque<Frame> kept = new ArrayDeque<>(live + 4);
    for (Frame f : queue) {
      if (f.jobId() == null || !f.coalescible() || newestByJob.get(f.jobId()) == f) {
        kept.addLast(f);
      }
    }
    queue.clear();
    queue.addAll(kept);
    superseded = 0;
  }

  public boolean isEmpty() {
    return live == 0;
  }

  /** Frames waiting to be written, after coalescing. */
  public int size() {
    return live;
  }

  public void clear() {
    queue.clear();
    newestByJob.clear();
    live = 0;
    superseded = 0;
    snapshotVersions = null;
  }
}
