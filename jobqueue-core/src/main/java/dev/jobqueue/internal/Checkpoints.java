package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.internal.Transitions.Change;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.JsonValues;
import java.util.Map;

/** Stores a running handler's checkpoint: a durable change of its job, like an end. */
final class Checkpoints {
  private Checkpoints() {}

  static void save(JobStore store, JobWrites writes, Execution ex, Map<String, ?> state) {
    if (state == null) {
      throw new IllegalArgumentException("a checkpoint must not be null (save an empty map)");
    }
    Map<String, Object> copy = JsonValues.copyObject(state);
    if (!ex.awaitStarted()) {
      ex.cancel();
      throw new JobCancelledException(ex.jobId());
    }
    Job base = ex.latest();
    while (true) {
      if (base.status() != JobStatus.RUNNING || base.cancelRequested()) {
        if (base.cancelRequested() || base.status() == JobStatus.CANCELLED) {
          ex.cancel();
        }
        throw new JobCancelledException(ex.jobId());
      }
      Change c = Transitions.apply(base, new Cause.Checkpoint(copy), writes.now());
      if (writes.write(c)) {
        ex.latest(c.next());
        writes.changed(c);
        return;
      }
      // a progress report or a cancel request came between: apply ours on top of it
      base = store.get(ex.jobId()).orElseThrow(() -> new JobCancelledException(ex.jobId()));
      ex.latest(base);
    }
  }
}
