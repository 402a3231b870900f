package dev.jobqueue;

import java.util.Map;

/** What a running handler sees of its job. One context per attempt; safe to use from any thread. */
public interface JobContext {
  /** The running job's id. */
  String jobId();

  /** The latest snapshot of the job as this attempt knows it. */
  Job job();

  /** The job's input, as submitted. */
  Map<String, Object> input();

  /** The current attempt, starting at 1. */
  int attempt();

  /**
   * Reports progress: {@code fraction} in 0.0–1.0 and a message for users (may be null).
   *
   * @throws IllegalArgumentException if {@code fraction} is NaN or outside 0..1
   * @throws JobCancelledException if the job was cancelled
   */
  void progress(double fraction, String message);

  /**
   * Reports progress by steps: step {@code current} of {@code total}; the fraction is
   * current/total.
   *
   * @throws IllegalArgumentException unless 0 ≤ current ≤ total and total &gt; 0
   * @throws JobCancelledException if the job was cancelled
   */
  void progress(int current, int total, String message);

  /** Whether a cancel was requested; the handler should stop soon. */
  boolean isCancelled();

  /** Throws {@link JobCancelledException} if a cancel was requested. */
  void throwIfCancelled();

  /**
   * Submits a child job of this one (user and parent filled in). The parent completes when its
   * handler has returned and every child has ended.
   */
  Job spawn(JobRequest child);

  /**
   * Saves {@code state} (JSON-like values) durably as the job's checkpoint, replacing the previous
   * one; it outlives this attempt, so a later attempt (after an automatic or manual retry, a
   * re-queue at restart or shutdown, or a rescue of an orphaned job) can resume from {@link
   * #lastCheckpoint()} instead of starting over. Returns once the store has it.
   *
   * @throws JobCancelledException if the job was cancelled
   */
  default void checkpoint(Map<String, ?> state) {
    throw new UnsupportedOperationException("this context does not keep checkpoints");
  }

  /**
   * The state last saved with {@link #checkpoint} by this or an earlier attempt of the job, or an
   * empty map when none was saved.
   */
  default Map<String, Object> lastCheckpoint() {
    return Map.of();
  }
}
