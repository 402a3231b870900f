package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.internal.Cause.Fail;
import dev.jobqueue.internal.Cause.Rollup;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parents and dependencies: children are added to their parent, a parent's progress is rolled up
 * from its children (at once when a child ends, batched every 100 ms for progress), and jobs that
 * depend on one that failed or was cancelled fail too.
 */
final class Lineage {
  private static final Logger log = LoggerFactory.getLogger(Lineage.class);
  private static final Duration PARENT_REFRESH_DELAY = Duration.ofMillis(100);

  private final JobStore store;
  private final JobWrites writes;
  private final ScheduledExecutorService scheduler;
  private final Set<String> dirtyParents = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean refreshScheduled = new AtomicBoolean();

  /**
   * Whether a queued job may wait for another to complete: always for a shared store, else once
   * this queue has seen such a job or found queued jobs at start (it cannot cheaply tell which).
   */
  private volatile boolean dependentsPossible;

  Lineage(JobStore store, JobWrites writes, ScheduledExecutorService scheduler) {
    this.store = store;
    this.writes = writes;
    this.scheduler = scheduler;
    this.dependentsPossible =
        store.isShared()
            || !store.query(JobQuery.builder().status(JobStatus.QUEUED).limit(1).build()).isEmpty();
  }

  boolean dependentsPossible() {
    return dependentsPossible;
  }

  void dependentSubmitted() {
    dependentsPossible = true;
  }

  /** Records {@code child} under its parent and returns the parent's new snapshot. */
  Job addChild(String parentId, Job child) {
    Job parent = writes.apply(parentId, new Cause.AddChild(child.id()));
    refreshParent(parentId);
    return parent;
  }

  /** A child's progress changed: its parent is refreshed soon, with its siblings' changes. */
  void markParentDirty(String parentId) {
    dirtyParents.add(parentId);
    if (refreshScheduled.compareAndSet(false, true)) {
      try {
        scheduler.schedule(
            this::refreshDirtyParents, PARENT_REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        refreshScheduled.set(false); // the queue is closing
      }
    }
  }

  private void refreshDirtyParents() {
    refreshScheduled.set(false);
    for (String id : List.copyOf(dirtyParents)) {
      dirtyParents.remove(id);
      try {
        refreshParent(id);
      } catch (RuntimeException e) {
        log.warn("refreshing parent job {} failed", id, e);
      }
    }
  }

  /**
   * Derives a parent's progress and message from its children, starts a tracked parent when its
   * first child starts, and ends the parent when its own work is done and every child has ended.
   */
  void refreshParent(String parentId) {
    boolean[] started = new boolean[1];
    try {
      do {
        started[0] = false;
        writes.mutate(
            parentId,
            parent -> {
              Rollup r = ParentRollup.of(parent, store, writes.now());
              // A queued tracked parent starts before it can complete: roll up again after it.
              started[0] = r != null && r.outcome() == Rollup.Outcome.START;
              return r == null ? null : Transitions.apply(parent, r, writes.now());
            });
      } while (started[0]);
    } catch (JobNotFoundException e) {
      log.debug("parent {} is gone", parentId);
    }
  }

  /** Fails every queued job that depends on {@code dep}, which failed or was cancelled. */
  void failDependents(Job dep) {
    List<Job> dependents =
        store.query(
            JobQuery.builder()
                .dependsOn(dep.id())
                .status(JobStatus.QUEUED)
                .limit(JobQuery.MAX_LIMIT)
                .build());
    for (Job d : dependents) {
      failDependent(d.id(), dep);
    }
  }

  void failDependent(String jobId, Job dep) {
    Fail cause =
        new Fail(
            "dependency "
                + dep.id()
                + " ('"
                + dep.title()
                + "') "
                + (dep.status() == JobStatus.CANCELLED ? "was cancelled" : "failed"));
    try {
      writes.mutate(
          jobId,
          cur ->
              cur.status() != JobStatus.QUEUED
                  ? null
                  : Transitions.apply(cur, cause, writes.now()));
    } catch (JobNotFoundException e) {
      log.debug("dependent {} vanished", jobId);
    }
  }
}
