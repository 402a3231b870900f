package dev.jobqueue.spi;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * may be cheap but must not call the store synchronously.
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
   * Extends the lease of every running job of {@code owner}, and every reservation it holds, to
   * {@code until}; returns how many running jobs. Only the lease changes: the version does not, so
   * a renewal never makes a worker's compare-and-set fail.
   */
  int renewLeases(String owner, Instant until);

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
