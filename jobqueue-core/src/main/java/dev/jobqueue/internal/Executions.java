package dev.jobqueue.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts this queue instance runs, by job id, so that a cancel reaches the handler's thread.
 * A cancel may arrive between a claim and the registration of its execution; it leaves word that
 * the registration picks up.
 */
final class Executions {
  private static final Logger log = LoggerFactory.getLogger(Executions.class);
  private final ConcurrentHashMap<String, Execution> byJob = new ConcurrentHashMap<>();

  /** Jobs cancelled after this instance claimed them and before their execution was registered. */
  private final Set<String> cancelsBeforeStart = ConcurrentHashMap.newKeySet();

  void register(Execution ex) {
    Execution older = byJob.put(ex.jobId(), ex);
    if (older != null && older != ex) {
      // This instance runs the job again (another attempt, after a recovery): the older attempt
      // lost the job, and the heartbeat, which looks executions up by job id, can no longer tell.
      // (One whose start was refused is cancelled already and only winding down.)
      if (!older.isCancelled()) {
        log.warn(
            "job {}: attempt {} starts while attempt {} still runs here; cancelling the older one",
            ex.jobId(),
            ex.attempt(),
            older.attempt());
      }
      older.cancel();
    }
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

  /** The attempt of the job running here, or null. */
  Execution get(String jobId) {
    return byJob.get(jobId);
  }

  /** The attempts whose start is stored, by job id: what the heartbeat asks the store about. */
  Map<String, Execution> started() {
    Map<String, Execution> out = new HashMap<>();
    for (Execution ex : byJob.values()) {
      if (ex.startStored() && !ex.isDone()) {
        out.put(ex.jobId(), ex);
      }
    }
    return out;
  }

  List<String> jobIds() {
    return new ArrayList<>(byJob.keySet());
  }
}
