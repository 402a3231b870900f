package dev.jobqueue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Stores, runs and tracks jobs. Built with {@link #builder()}:
 *
 * <pre>{@code
 * JobQueue queue = JobQueue.builder()
 *     .store(new InMemoryJobStore())
 *     .workers(4)
 *     .handler("analyze", ctx -> { ctx.progress(0.5, "half way"); return Map.of("ok", true); })
 *     .build();
 * Job job = queue.submit(JobRequest.builder("analyze", "Analyzing photo.jpg").build());
 * }</pre>
 *
 * <p>All methods are thread-safe. Methods taking a job id throw {@link JobNotFoundException} for
 * unknown ids; state conflicts throw {@link JobStateException} subclasses naming the job and its
 * status.
 */
public interface JobQueue extends AutoCloseable {

  static JobQueueBuilder builder() {
    return new JobQueueBuilder();
  }

  /**
   * Stores a managed job; a worker runs it when it is runnable.
   *
   * @throws UnknownJobTypeException when no handler is registered for its type
   * @throws IllegalArgumentException for an unknown parent or dependency
   * @throws JobStateException when the parent has already ended
   */
  Job submit(JobRequest request);

  /**
   * Stores several managed jobs at once (one transaction with a durable store): for batch work, and
   * much cheaper per job than {@link #submit} with a durable store. Requests are checked before
   * anything is stored.
   *
   * @return the new jobs, in request order
   */
  List<Job> submitAll(List<JobRequest> requests);

  /**
   * Creates or changes the recurring schedule {@code scheduleId}: at each occurrence of {@code
   * schedule} a job is submitted from {@code template}, exactly once even when several queues share
   * the store. Schedules live in the store and survive restarts; calling this again with the same
   * definition (say, at every start-up) keeps the schedule's state (paused, next run), a changed
   * definition replaces it and runs next at its next occurrence from now. Runs missed while no
   * queue was running follow the builder's {@link JobQueueBuilder#missedRuns} policy. An occurrence
   * whose template has a {@link JobRequest.Builder#uniqueKey} held by a job still queued or running
   * (the last run, typically) is skipped.
   *
   * @param template a job without parent, dependencies, runAt or delay
   * @throws UnknownJobTypeException when no handler is registered for the template's type
   * @throws UnsupportedOperationException when the store keeps no schedules
   */
  RecurringSchedule schedule(String scheduleId, Schedule schedule, JobRequest template);

  /** Every recurring schedule in the store, ordered by id. */
  List<RecurringSchedule> schedules();

  /**
   * Stops a schedule submitting jobs until {@link #resumeSchedule}; its jobs already submitted
   * carry on.
   *
   * @throws IllegalArgumentException for an unknown id
   */
  RecurringSchedule pauseSchedule(String scheduleId);

  /**
   * Lets a paused schedule submit again, from its next occurrence after now (runs while it was
   * paused are not made up).
   *
   * @throws IllegalArgumentException for an unknown id
   */
  RecurringSchedule resumeSchedule(String scheduleId);

  /**
   * Deletes a schedule; the jobs it submitted stay.
   *
   * @return false when there was no such schedule
   */
  boolean deleteSchedule(String scheduleId);

  /** The current snapshot. */
  Job get(String jobId);

  /** The current snapshot, or empty for an unknown id. */
  Optional<Job> find(String jobId);

  /** Jobs matching {@code query}, newest first. */
  List<Job> list(JobQuery query);

  /**
   * Cancels a job: a queued one at once; a running one is flagged and its thread interrupted (it
   * ends cancelled when its handler returns). Non-terminal children are cancelled too.
   *
   * @return the job after the change (cancelled, or running with cancelRequested)
   * @throws JobStateException when the job has ended or is not cancelable
   */
  Job cancel(String jobId);

  /**
   * Queues a failed or cancelled job again (attempt + 1), whatever its max attempts.
   *
   * @throws IllegalJobTransitionException unless the job is failed or cancelled
   */
  Job retry(String jobId);

  /**
   * Deletes a finished job (and its finished children).
   *
   * @throws JobStateException while the job is queued or running
   */
  void delete(String jobId);

  /**
   * Deletes every job of {@code status} matching {@code scope} (for example "clear completed");
   * only terminal statuses are accepted.
   *
   * @param scope further filters such as the user (its statuses and limit are ignored), or null
   * @return how many jobs were deleted
   */
  int deleteAll(JobStatus status, JobQuery scope);

  /** Applies the retention policy now; returns how many jobs were purged. */
  int cleanup();

  /** Registers a listener; events from now on are delivered on its own thread. */
  Subscription subscribe(JobListener listener);

  /**
   * Completes with the job's snapshot once it is completed, failed or cancelled. The future is
   * completed on a {@code jobqueue-completion} thread, never a worker's or a store's, so a callback
   * may submit jobs; callbacks that block for long should still move elsewhere with the {@code
   * *Async} methods.
   */
  CompletableFuture<Job> completion(String jobId);

  /**
   * Waits until the job is completed, failed or cancelled: the synchronous mode.
   *
   * @throws TimeoutException when it has not ended within {@code timeout}; the job keeps running
   */
  Job await(String jobId, Duration timeout) throws InterruptedException, TimeoutException;

  /** Counts and durations for one user, or everyone when {@code userId} is null. */
  JobStats stats(String userId);

  /** The API for work the host runs itself. */
  JobTracker tracker();

  /**
   * The log lines the job's handler wrote ({@link JobContext#log}), one {@link JobLog} per attempt
   * that wrote any, oldest attempt first. Lines of an attempt running on this instance are included
   * up to the last one written.
   *
   * @throws JobNotFoundException for an unknown id
   */
  List<JobLog> logs(String jobId);

  /**
   * Registers a listener for log lines as handlers of this instance write them (batched, about
   * every 100 ms per attempt).
   */
  Subscription subscribeLogs(JobLogListener listener);

  /**
   * Pauses a job type: its queued jobs stay queued and no worker of any queue on this store starts
   * one until {@link #resume}; running ones finish. Persisted in the store, so it outlives a
   * restart and is shared by every instance on a shared store (which notice it within their poll
   * interval). Idempotent; any type may be paused, handled here or not.
   *
   * @throws IllegalArgumentException for a blank type
   */
  void pause(String type);

  /** Resumes a paused job type; its queued jobs start as workers are free. Idempotent. */
  void resume(String type);

  /** The job types paused in the store, as this instance last read them. */
  Set<String> pausedTypes();

  /** Job types that have a handler. */
  Set<String> handledTypes();

  /**
   * The sequence of the last event handed to listeners (see {@link JobEvent#sequence()}). With a
   * store of one process, sequences start at the queue's start time in epoch milliseconds × 1000,
   * so they increase across restarts as well as within one run; with a shared store that numbers
   * its changes (PostgreSQL) it is the database's id of the last change published, which need not
   * be the largest (before the first event: the start time × 1000, which names no event).
   */
  long lastSequence();

  /**
   * Stops taking work, waits up to the builder's shutdown timeout for running jobs, then cancels
   * those still running and logs their ids. Idempotent.
   */
  @Override
  void close();
}
