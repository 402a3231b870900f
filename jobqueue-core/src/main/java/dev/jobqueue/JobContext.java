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

  /**
   * Adds a line to this attempt's log, which operators read next to the job ({@link JobQueue#logs},
   * the REST API and the widget's details, live). Cheap: lines are kept in memory and written to
   * the store in batches (at most every 100 ms, and when the attempt ends), never one write per
   * line. Each attempt keeps its newest {@link JobLog#MAX_LINES} lines ({@link JobLog#MAX_CHARS}
   * characters); older ones are dropped and counted, and a longer line is cut to {@link
   * JobLog#MAX_LINE_CHARS} characters. Safe from any thread; never throws for a cancelled job.
   *
   * @throws NullPointerException if {@code line} is null
   */
  void log(String line);

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
