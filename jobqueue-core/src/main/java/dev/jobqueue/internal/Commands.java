package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobNotCancelableException;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.UnknownJobTypeException;
import dev.jobqueue.spi.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What users do to existing jobs: cancel, retry, delete, and the retention purge. */
final class Commands {
  private static final Logger log = LoggerFactory.getLogger(Commands.class);

  private final QueueConfig config;
  private final JobStore store;
  private final JobWrites writes;
  private final EventHub hub;
  private final Executions executions;
  private final RunTimes runTimes;

  Commands(
      QueueConfig config,
      JobWrites writes,
      EventHub hub,
      Executions executions,
      RunTimes runTimes) {
    this.config = config;
    this.store = config.store();
    this.writes = writes;
    this.hub = hub;
    this.executions = executions;
    this.runTimes = runTimes;
  }

  /**
   * Cancels a job: at once when nothing runs it, else by flagging it and interrupting its handler.
   * A cascade (from a cancelled parent) skips ended and non-cancelable checks.
   */
  Job cancel(String jobId, boolean cascade) {
    Job result =
        writes.mutate(
            jobId,
            cur -> {
              if (cascade && cur.isTerminal()) {
                return null;
              }
              if (!cascade && !cur.isTerminal() && !cur.cancelable()) {
                throw new JobNotCancelableException(jobId, cur.status());
              }
              return Transitions.apply(cur, cancelCause(cur), writes.now());
            });
    if (result.cancelRequested()
        && result.status() == JobStatus.RUNNING
        && config.instanceId().equals(result.owner())) {
      executions.cancel(jobId);
      log.debug("cancel requested for running job {}", jobId);
    }
    return result;
  }

  /**
   * Nothing runs a queued job, a tracked one (the host learns of it from the exception its next
   * progress report throws) or a parent whose handler returned: those end now. A running handler is
   * asked to stop.
   */
  private static Cause cancelCause(Job cur) {
    if (cur.status() == JobStatus.RUNNING && !cur.tracked() && !cur.awaitingChildren()) {
      return new Cause.RequestCancel();
    }
    return new Cause.Cancel();
  }

  /** Cancels a child of a cancelled parent; a child that is gone is no error. */
  void cancelQuietly(String jobId) {
    try {
      cancel(jobId, true);
    } catch (JobNotFoundException e) {
      log.debug("child {} vanished before it could be cancelled", jobId);
    }
  }

  Job retry(String jobId) {
    return writes.mutate(
        jobId,
        cur -> {
          if (cur.status().isTerminal() && cur.tracked()) {
            throw new JobStateException(
                jobId,
                cur.status(),
                "job "
                    + jobId
                    + " is tracked: the host application runs it, so retry it from there");
          }
          if (cur.status() == JobStatus.FAILED || cur.status() == JobStatus.CANCELLED) {
            if (!config.handlers().containsKey(cur.type())) {
              throw new UnknownJobTypeException(cur.type(), config.handlers().keySet());
            }
            requireDependenciesRetried(cur);
          }
          return Transitions.apply(cur, new Cause.Retry(runTimes.mean(cur.type())), writes.now());
        });
  }

  private void requireDependenciesRetried(Job cur) {
    for (String dep : cur.dependsOn()) {
      Optional<Job> d = store.get(dep);
      if (d.isPresent()
          && (d.get().status() == JobStatus.FAILED || d.get().status() == JobStatus.CANCELLED)) {
        throw new JobStateException(
            cur.id(),
            cur.status(),
            "job "
                + cur.id()
                + " cannot be retried while its dependency "
                + dep
                + " is "
                + d.get().status().wireName()
                + "; retry "
                + dep
                + " first");
      }
    }
  }

  void delete(String jobId) {
    while (true) {
      Job cur = store.get(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
      if (cur.status().isActive()) {
        throw new JobStateException(
            jobId,
            cur.status(),
            "job "
                + jobId
                + " is "
                + cur.status().wireName()
                + "; cancel it or wait until it ends before deleting it");
      }
      if (writes.delete(cur)) {
        if (log.isDebugEnabled()) {
          log.debug("deleted {}", cur.describe());
        }
        deleteEndedChildren(cur);
        return;
      }
    }
  }

  private void deleteEndedChildren(Job parent) {
    for (String child : parent.childJobIds()) {
      store
          .get(child)
          .filter(Job::isTerminal)
          .ifPresent(
              c -> {
                try {
                  delete(c.id());
                } catch (JobNotFoundException | JobStateException e) {
                  log.debug(
                      "child {} of deleted job {} not deleted: {}",
                      c.id(),
                      parent.id(),
                      e.getMessage());
                }
              });
    }
  }

  int deleteAll(JobStatus status, JobQuery scope) {
    if (status == null || !status.isTerminal()) {
      throw new IllegalArgumentException(
          "only completed, failed or cancelled jobs can be deleted in bulk, got "
              + (status == null ? null : status.wireName()));
    }
    JobQuery q =
        new JobQuery(
            Set.of(status),
            scope == null ? null : scope.type(),
            scope == null ? null : scope.parentJobId(),
            scope == null ? null : scope.userId(),
            scope == null ? null : scope.text(),
            null,
            JobQuery.MAX_LIMIT);
    int n = 0;
    for (Job j : store.query(q)) {
      if (writes.delete(j)) {
        n++;
      }
    }
    log.debug("deleted {} {} jobs", n, status.wireName());
    return n;
  }

  /** Purges finished jobs past the retention settings; listeners are told of each deletion. */
  int cleanup() {
    Instant cutoff = writes.now().minus(config.retention().maxAge());
    List<Job> purged = store.purge(cutoff, config.retention().keepLast());
    for (Job j : purged) {
      hub.publishStored(JobEvent.Kind.DELETED, j);
    }
    if (!purged.isEmpty()) {
      log.info("retention purged {} finished jobs", purged.size());
    }
    return purged.size();
  }
}
