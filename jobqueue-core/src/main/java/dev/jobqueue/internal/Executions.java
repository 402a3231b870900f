package dev.jobqueue.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts this queue instance runs, by job id, so that a cancel reaches the handler's thread.
 * A cancel may arrive between a claim and the registration of its execution; it leaves word that
 * the registration picks up.
 */
final class Executions {
  private final ConcurrentHashMap<String, Execution> byJob = new ConcurrentHashMap<>();

  /** Jobs cancelled after this instance claimed them and before their execution was registered. */
  private final Set<String> cancelsBeforeStart = ConcurrentHashMap.newKeySet();

  void register(Execution ex) {
    byJob.put(ex.jobId(), ex);
    if (!cancelsBeforeStart.isEmpty() && cancelsBeforeStart.remove(ex.jobId())) {
      ex.cancel(); // cancelled between the claim and now
    }
  }

  void unregister(Execution ex) {
    byJob.remove(ex.jobId(), ex);
    if (!cancelsBeforeStart.isEmpty()) {
      cancelsBeforeStart.remove(ex.jobId());
    }
  }

  /**
   * Cancels the attempt of a job claimed by this instance. Leaves word first, then looks, so that
   * either this call or {@link #register} sees the other.
   */
  void cancel(String jobId) {
    cancelsBeforeStart.add(jobId);
    Execution ex = byJob.get(jobId);
    if (ex != null) {
      cancelsBeforeStart.remove(jobId);
      ex.cancel();
    }
  }

  Collection<Execution> all() {
    return byJob.values();
  }

  List<String> jobIds() {
    return new ArrayList<>(byJob.keySet());
  }
}
