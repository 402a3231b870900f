package dev.jobqueue.spi;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Where jobs live. Implementations store immutable snapshots and enforce versions; the queue holds
 * all job semantics. Every implementation must pass the contract suite in core's test-jar ({@code
 * dev.jobqueue.spi.JobStoreContract}) unchanged.
 *
 * <p>Thread safety: every method may be called from many threads at once.
 *
 * <p>Durability: {@link #insert}, {@link #update} and {@link #delete} return only once the change
 * is durable (for persistent stores). {@link #updateProgress} may be coalesced; reservations need
 * not be durable.
 *
 * <p>Unique keys: no write may leave two queued or running jobs with the same {@link Job#userId()}
 * (null counting as one user) and the same non-null {@link Job#uniqueKey()}. {@link #insertUnique}
 * answers such a conflict with the holder; {@link #insert}, {@link #insertAll} and {@link #update}
 * (a failed or cancelled job queued again) throw {@link UniqueKeyConflictException} and write
 * nothing. A finished job releases its key.
 */
public interface JobStore extends AutoCloseable {

  /**
   * Stores a new job (version 1).
   *
   * @throws DuplicateJobException when a job with this id exists
   */
  void insert(Job job);

  /**
   * Stores several new jobs at once; durable stores write them in one transaction, all or none. The
   * default inserts one by one.
   *
   * @throws DuplicateJobException when one of the ids exists (persistent stores then store none)
   */
  default void insertAll(List<Job> jobs) {
    for (Job j : jobs) {
      insert(j);
    }
  }

  /**
   * Stores {@code job} (a new queued job whose {@link Job#uniqueKey()} is not null) unless a queued
   * or running job of the same user holds the same key. Atomic: of any number of racing calls with
   * one user and key, from any thread or process sharing the store, exactly one stores its job; the
   * others get that job. Durable before it returns, like {@link #insert}.
   *
   * @return {@code job} itself when it was stored, otherwise the current snapshot of the queued or
   *     running job that holds the key
   * @throws DuplicateJobException when a job with {@code job}'s id exists
   * @throws UnsupportedOperationException from stores that do not support unique keys (the default)
   */
  default Job insertUnique(Job job) {
    throw new UnsupportedOperationException(getClass().getName() + " does not support unique keys");
  }

  /** The current snapshot, including progress accepted by {@link #updateProgress}. */
  Optional<Job> get(String id);

  /**
   * Jobs matching {@code query}, newest first (created_at, then insertion order), at most its
   * limit.
   */
  List<Job> query(JobQuery query);

  /**
   * Compare-and-set: replaces the job whose stored version is {@code expectedVersion} with {@code
   * next} (whose version is greater). Durable before it returns.
   *
   * @return false when the job is missing or its version differs (someone else changed it)
   */
  boolean update(Job next, long expectedVersion);

  /**
   * {@link #update} without blocking the caller: the future completes (true, or false on a version
   * conflict) once the change is durable. Persistent stores group concurrent changes into one
   * transaction. The future never completes on a thread that is blocked in this store, so callbacks
   * may be cheap but must not call the store synchronously; they may call {@code updateAsync},
   * which must then not block (a queue writes the end of an attempt once its start is stored).
   *
   * <p>Order: the change is compared and applied before any change of the same job whose call
   * starts after this one returned (a queue relies on it: a cancel that follows the start of a
   * reserved job sees the job running, never queued).
   */
  default CompletableFuture<Boolean> updateAsync(Job next, long expectedVersion) {
    try {
      return CompletableFuture.completedFuture(update(next, expectedVersion));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Like {@link #update} for a change that only touches progress fields of a running job; the write
   * may be deferred and coalesced with later ones of the same job (not durable until then). {@link
   * #get}, {@link #query} and a following {@link #update} must see it at once.
   *
   * @return false when it conflicts with the version this store knows (the change is dropped)
   */
  boolean updateProgress(Job next, long expectedVersion);

  /**
   * Deletes the job if its version is {@code expectedVersion}.
   *
   * @return false when it is missing or its version differs
   */
  boolean delete(String id, long expectedVersion);

  /**
   * Atomically reserves up to {@code request.max()} runnable jobs for {@code request.owner()} until
   * {@code request.leaseUntil()}, in order, and returns their snapshots. Runnable: status queued,
   * not tracked, type in {@code request.types()}, runAt null or not after {@code request.now()},
   * every job in its depends_on completed (or gone: only finished jobs can be deleted), and no
   * reservation holding on it. Order: highest priority first, then oldest first (FIFO).
   *
   * <p>A reservation is not a change: the job stays queued with the same snapshot and version, and
   * {@link #get} and {@link #query} do not show it. It only keeps every other {@code reserve}, by
   * this or another process, from returning the job. It ends when the job's version changes (the
   * queue starts a reserved job with {@link #updateAsync}, compare-and-set from the queued
   * version), when the owner {@linkplain #release releases} it, or when it lapses: {@code
   * leaseUntil} passed without {@link #renewLeases}. Shared stores keep reservations in the
   * database, so that another instance takes over once they lapse; a store used by one process may
   * keep them in memory, since a crash ends them with the process.
   */
  List<Job> reserve(ClaimRequest request);

  /**
   * Ends {@code owner}'s reservations of {@code jobIds} at once, so that any queue may take those
   * jobs now (a queue that closes hands them back). Ids not reserved by {@code owner} are ignored.
   */
  void release(String owner, Collection<String> jobIds);

  /**
   * The heartbeat of a queue instance: extends the lease of every running job of {@code owner}, and
   * every reservation it holds, to {@code until}, and answers in the same step what became of the
   * jobs the caller runs. Only the lease changes: the version does not, so a renewal never makes a
   * worker's compare-and-set fail.
   *
   * <p>Of {@code running} (ids of jobs whose start the caller stored and whose handler still runs),
   * the answer lists as {@linkplain LeaseRenewal#lost() lost} every id whose job is missing, not
   * running, or running under another owner, and as {@linkplain LeaseRenewal#cancelRequested()
   * cancel requested} every id whose job still runs under {@code owner} with {@link
   * Job#cancelRequested()} set. Both reflect changes committed before the call, by any process
   * sharing the store, so a cancel asked elsewhere reaches the handler within one beat even when a
   * change feed lost it. Shared stores answer with one round trip per call.
   *
   * @param running ids the caller believes it runs; may be empty
   * @return the number of leases renewed and the ids of {@code running} that need the caller
   */
  LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until);

  /** Running jobs whose lease expired before {@code now} (their owner stopped), oldest first. */
  List<Job> expiredLeases(Instant now, int limit);

  /**
   * Deletes terminal jobs that completed before {@code completedBefore}, and terminal jobs beyond
   * the newest {@code keepLast} terminal ones (by completion time).
   *
   * @return the deleted jobs' last snapshots (listeners are told of each deletion)
   */
  List<Job> purge(Instant completedBefore, int keepLast);

  /** Number of jobs per type and status, for one user or (null) everyone. */
  Map<String, Map<JobStatus, Long>> countByTypeAndStatus(String userId);

  // ------------------------------------------------------------ recurring schedules
  // The defaults throw UnsupportedOperationException: a store without them cannot hold schedules.

  /**
   * Stores a new schedule (version 1).
   *
   * @return false when a schedule with its id exists (nothing is written)
   */
  default boolean insertSchedule(RecurringSchedule schedule) {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep schedules");
  }

  /** The schedule with this id. */
  default Optional<RecurringSchedule> getSchedule(String id) {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep schedules");
  }

  /** Every schedule, ordered by id. */
  default List<RecurringSchedule> schedules() {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep schedules");
  }

  /**
   * Compare-and-set: replaces the schedule whose stored version is {@code expectedVersion} with
   * {@code next} (a greater version). Durable before it returns.
   *
   * @return false when it is missing or its version differs
   */
  default boolean updateSchedule(RecurringSchedule next, long expectedVersion) {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep schedules");
  }

  /**
   * Deletes the schedule (jobs it submitted stay).
   *
   * @return false when it did not exist
   */
  default boolean deleteSchedule(String id) {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep schedules");
  }

  /**
   * Submits one occurrence of a schedule, exactly once: the occurrence key is ({@code scheduleId},
   * {@code occurrence}). In one atomic step, only if the stored schedule is not paused and its
   * {@link RecurringSchedule#nextRunAt()} equals {@code occurrence}: inserts {@code job} (as {@link
   * #insert} would) and advances the schedule to nextRunAt = {@code nextRunAt}, lastRunAt = {@code
   * occurrence}, lastJobId = the job's id, version + 1. Of racing calls for one occurrence (from
   * any thread or process sharing the store) exactly one returns true. Durable before it returns.
   *
   * @param nextRunAt the occurrence after this one, or null when there is none
   * @return false, with nothing written, when the occurrence was fired already (or the schedule is
   *     paused, changed or gone)
   * @throws UniqueKeyConflictException when the job's unique key is held; nothing is written
   * @throws DuplicateJobException when the job's id exists; nothing is written
   */
  default boolean fireSchedule(String scheduleId, Instant occurrence, Instant nextRunAt, Job job) {
    throw new UnsupportedOperationException(getClass().getName() + " does not keep schedules");
  }

  /**
   * Stores the log of one attempt of a job, replacing what is stored for that job and attempt. The
   * queue calls this with the attempt's whole log (already bounded: at most {@link
   * JobLog#MAX_LINES} lines of at most {@link JobLog#MAX_LINE_CHARS} characters), at most about
   * every 100 ms per running attempt and once more after the attempt ends; a store keeps what it
   * gets, lines in order, exactly.
   *
   * <p>Like {@link #updateProgress}, the write may be deferred and coalesced with later logs of the
   * same attempt (a durable store writes it within its progress flush interval and on close, never
   * once per call), but {@link #logs} must return it at once. A log of a job that does not exist,
   * or that is deleted before a deferred write happens, is dropped: a store never keeps the log of
   * a job it does not hold. The default throws {@link UnsupportedOperationException} (the queue
   * then keeps logs in memory only while they run).
   */
  default void writeLog(JobLog log) {
    throw new UnsupportedOperationException(getClass().getName() + " does not store job logs");
  }

  /**
   * The stored logs of a job, one per attempt, in attempt order; empty for an unknown job. {@link
   * #delete} and {@link #purge} delete a job's logs with it. The default throws {@link
   * UnsupportedOperationException}.
   */
  default List<JobLog> logs(String jobId) {
    throw new UnsupportedOperationException(getClass().getName() + " does not store job logs");
  }

  /**
   * Records {@code type} as paused, durably before it returns, for every queue on this store to see
   * in {@link #pausedTypes}; pausing a paused type changes nothing. {@link #reserve} does not
   * consult it: the queue leaves paused types out of {@link ClaimRequest#types()}. The default
   * throws {@link UnsupportedOperationException}.
   */
  default void pauseType(String type) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not support pausing job types");
  }

  /** Removes {@code type} from the paused types, durably; resuming an unpaused type is a no-op. */
  default void resumeType(String type) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not support pausing job types");
  }

  /**
   * The paused job types, as committed (another process's pause is seen once it committed). The
   * default is the empty set, for stores that do not support pausing.
   */
  default Set<String> pausedTypes() {
    return Set.of();
  }

  /**
   * Whether several processes may share this store at once (PostgreSQL). When false, a job found
   * running at start-up cannot be running anywhere and is recovered at once; when true, only jobs
   * whose lease expired are.
   */
  default boolean isShared() {
    return false;
  }

  /** Releases connections and files; pending coalesced progress is flushed first. */
  @Override
  default void close() {}
}
