package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One entry of {@link OrderedRelease}'s queue: the event of a write that may still be in flight.
 * The entry is its own queue node, so queueing an event allocates nothing more.
 */
class PendingEvent {
  static final int OPEN = 0;
  static final int STORED = 1;
  static final int ABANDONED = 2;

  static final VarHandle NEXT;

  static {
    try {
      NEXT = MethodHandles.lookup().findVarHandle(PendingEvent.class, "next", PendingEvent.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final OrderedRelease queue;
  final JobEvent.Kind kind;

  /** The snapshot the write stores (for a deletion, the version it deletes). */
  final Job job;

  final boolean statusChanged;

  /** Drainer only: released while an entry before it still waits (see OrderedRelease.walk). */
  boolean released;

  /** The entry queued after this one; null until its producer links it. Written through NEXT. */
  volatile PendingEvent next;

  volatile int state;

  PendingEvent(OrderedRelease queue, JobEvent.Kind kind, Job job, boolean statusChanged) {
    this.queue = queue;
    this.kind = kind;
    this.job = job;
    this.statusChanged = statusChanged;
  }

  /** The write returned: release the event if it stored, drop it if not. */
  void resolve(boolean stored) {
    state = stored ? STORED : ABANDONED;
    queue.drain();
  }
}
