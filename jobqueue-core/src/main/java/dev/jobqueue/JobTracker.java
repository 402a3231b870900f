package dev.jobqueue;

import java.util.Map;

/**
 * Reports work that the host application runs itself (no handler): create → start → progress →
 * complete or fail. Produces the same jobs, events and API as managed jobs. Obtain it from {@link
 * JobQueue#tracker()}.
 *
 * <p>A tracked parent (a tracked job that has children) starts when its first child starts and ends
 * by itself when its last child ends, like the seed's comprehensive analysis.
 */
public interface JobTracker {
  /** Stores a new queued job that no worker will claim. Its type needs no handler. */
  Job create(JobRequest request);

  /** queued → running. */
  Job start(String jobId);

  /**
   * Updates progress of a running job.
   *
   * @throws JobCancelledException when the job was cancelled meanwhile: stop the work
   */
  Job progress(String jobId, double fraction, String message);

  /** Updates progress of a running job by steps. */
  Job progress(String jobId, int current, int total, String message);

  /** running → completed with {@code result} (may be null). */
  Job complete(String jobId, Map<String, ?> result);

  /** queued or running → failed with {@code error}. */
  Job fail(String jobId, String error);
}
