package dev.jobqueue.internal;

import dev.jobqueue.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Jobs this queue reserved in the store and no worker started yet, in the order reserved. A job
 * leaves exactly once: started by a worker, or withdrawn (a cancel or delete got to it first, or
 * the queue closes).
 *
 * <p>Starting submits the job's start write inside the slot's lock. A writer that finds the slot
 * already started therefore calls the store after the start write was submitted, and the store
 * orders it after the start ({@code JobStore.updateAsync}): a job that started is cancelled as a
 * running one. A withdrawal is announced before it waits for anything, so a job whose cancel began
 * while it was reserved never starts.
 */
final class Reservations {
  private enum State {
    RESERVED,
    STARTED,
    WITHDRAWN
  }

  /** One reserved job; its state is guarded by the slot. */
  static final class Slot {
    private final Job job;
    private State state = State.RESERVED;

    private Slot(Job job) {
      this.job = job;
    }

    Job job() {
      return job;
    }
  }

  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  /** Jobs someone is about to withdraw (how many callers): a worker must not start them. */
  private final ConcurrentHashMap<String, Integer> withdrawing = new ConcurrentHashMap<>();

  private final ConcurrentLinkedQueue<Slot> waiting = new ConcurrentLinkedQueue<>();

  void add(Job queued) {
    Slot s = new Slot(queued);
    slots.put(queued.id(), s);
    waiting.add(s);
  }

  /** The next reserved job to start, or null; it may still be withdrawn before it starts. */
  Slot poll() {
    return waiting.poll();
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /**
   * Starts the slot's job: runs {@code submitStart} (which must submit the start write) unless the
   * job was withdrawn or is being withdrawn. Returns whether it ran.
   */
  boolean start(Slot s, Runnable submitStart) {
    synchronized (s) {
      if (s.state != State.RESERVED || withdrawing.containsKey(s.job.id())) {
        return false; // a withdrawal under way finds the slot still reserved and takes it
      }
      s.state = State.STARTED;
      submitStart.run();
    }
    slots.remove(s.job.id(), s);
    return true;
  }

  /**
   * Announces a withdrawal of job {@code id} before waiting to make it: from now on no worker
   * starts it. Pair with {@link #endWithdrawal}.
   */
  void beginWithdrawal(String id) {
    withdrawing.merge(id, 1, Integer::sum);
  }

  void endWithdrawal(String id) {
    withdrawing.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * Takes job {@code id} out of the reservations unless a worker started it; returns its reserved
   * snapshot, or null when it was not reserved here (or already started).
   */
  Job withdraw(String id) {
    Slot s = slots.get(id);
    if (s == null) {
      return null;
    }
    synchronized (s) {
      if (s.state != State.RESERVED) {
        return null;
      }
      s.state = State.WITHDRAWN;
    }
    slots.remove(id, s);
    return s.job;
  }

  /** Withdraws the jobs of {@code types} that no worker started (they were paused). */
  List<Job> withdrawTypes(Set<String> types) {
    List<Job> out = new ArrayList<>();
    for (Slot s : List.copyOf(slots.values())) {
      if (types.contains(s.job.type())) {
        Job j = withdraw(s.job.id());
        if (j != null) {
          out.add(j);
        }
      }
    }
    return out;
  }

  /** Withdraws every job no worker started (the queue is closing); returns them. */
  List<Job> withdrawAll() {
    waiting.clear();
    List<Job> out = new ArrayList<>();
    for (String id : List.copyOf(slots.keySet())) {
      Job j = withdraw(id);
      if (j != null) {
        out.add(j);
      }
    }
    return out;
  }
}
