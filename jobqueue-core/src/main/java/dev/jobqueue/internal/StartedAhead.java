package dev.jobqueue.internal;

import dev.jobqueue.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Jobs a worker started ahead of running them (a shared store, short jobs: their starts share a
 * commit), in reservation order. Each leaves once: taken by a worker, or handed back to queued (the
 * queue closes, or its type was paused) with its handler never having run.
 */
final class StartedAhead {
  record Entry(Execution ex, Job reserved) {}

  private final ConcurrentLinkedQueue<Entry> queue = new ConcurrentLinkedQueue<>();
  private final Admission admission;
  private final Attempts attempts;

  StartedAhead(Admission admission, Attempts attempts) {
    this.admission = admission;
    this.attempts = attempts;
  }

  void add(Execution ex, Job reserved) {
    queue.add(new Entry(ex, reserved));
  }

  /** The next job for a worker to run, or null. */
  Entry poll() {
    return queue.poll();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Takes the jobs that match and that no worker took. */
  List<Entry> take(Predicate<Job> which) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : queue) {
      if (which.test(e.reserved()) && queue.remove(e)) { // a worker's poll takes it, or this
        out.add(e);
      }
    }
    return out;
  }

  /** Puts {@code started} back to queued. */
  void handBack(List<Entry> started) {
    for (Entry e : started) {
      admission.finished(e.reserved().type());
      attempts.handBack(e.ex(), e.reserved());
    }
  }

  /** Puts every job no worker took back to queued. */
  void handBackAll() {
    handBack(take(j -> true));
  }
}
