package dev.jobqueue.memory;

import dev.jobqueue.JobLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The in-memory store's job logs (per job, per attempt) and paused job types. */
final class JobLogsAndPauses {
  private final ConcurrentHashMap<String, ConcurrentSkipListMap<Integer, JobLog>> logs =
      new ConcurrentHashMap<>();
  private final Set<String> paused = ConcurrentHashMap.newKeySet();

  /** Called under the job row's lock, so it cannot interleave with the job's deletion. */
  void putLog(JobLog log) {
    logs.computeIfAbsent(log.jobId(), id -> new ConcurrentSkipListMap<>()).put(log.attempt(), log);
  }

  List<JobLog> logs(String jobId) {
    ConcurrentSkipListMap<Integer, JobLog> of = logs.get(Objects.requireNonNull(jobId, "jobId"));
    return of == null ? List.of() : new ArrayList<>(of.values());
  }

  void deleted(String jobId) {
    logs.remove(jobId);
  }

  void pause(String type) {
    paused.add(Objects.requireNonNull(type, "type"));
  }

  void resume(String type) {
    paused.remove(Objects.requireNonNull(type, "type"));
  }

  Set<String> paused() {
    return Set.copyOf(paused);
  }
}
