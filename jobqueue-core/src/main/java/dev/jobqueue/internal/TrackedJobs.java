package dev.jobqueue.internal;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.JobTracker;
import java.time.Instant;
import java.util.Map;

/**
 * The host-run lifecycle (create → start → progress → complete / fail): the same store,
 * compare-and-set loop, events and effects as managed jobs, minus the workers.
 */
final class TrackedJobs implements JobTracker {
  private final DefaultJobQueue q;

  TrackedJobs(DefaultJobQueue queue) {
    this.q = queue;
  }

  @Override
  public Job create(JobRequest request) {
    q.requireOpen();
    return q.insertNew(request, true);
  }

  @Override
  public Job start(String jobId) {
    return q.mutate(
        jobId,
        (cur, next) -> {
          requireTracked(cur);
          if (cur.status() != JobStatus.QUEUED) {
            throw new IllegalJobTransitionException(
                jobId, cur.status(), JobStatus.RUNNING, "only a queued job can be started");
          }
          Instant now = q.now();
          return next.status(JobStatus.RUNNING)
              .startedAt(now)
              .owner(q.instanceId)
              .leaseExpiresAt(now.plus(q.config.lease()));
        });
  }

  @Override
  public Job progress(String jobId, double fraction, String message) {
    Progress.checkFraction(jobId, fraction);
    return report(jobId, fraction, message, null, null);
  }

  @Override
  public Job progress(String jobId, int current, int total, String message) {
    Progress.checkSteps(jobId, current, total);
    return report(jobId, (double) current / total, message, current, total);
  }

  private Job report(
      String jobId, double fraction, String message, Integer current, Integer total) {
    while (true) {
      Job cur = q.get(jobId);
      requireTracked(cur);
      if (cur.status() == JobStatus.CANCELLED) {
        throw new JobCancelledException(jobId);
      }
      if (cur.status() != JobStatus.RUNNING) {
        throw new JobStateException(
            jobId,
            cur.status(),
            "job "
                + jobId
                + " is "
                + cur.status().wireName()
                + "; progress can only be reported while it runs");
      }
      Instant now = q.now();
      Job next =
          cur.toBuilder()
              .version(cur.version() + 1)
              .updatedAt(now)
              .progress(fraction)
              .progressMessage(message)
              .currentStep(current != null ? current : cur.currentStep())
              .totalSteps(total != null ? total : cur.totalSteps())
              .etaSeconds(Progress.eta(cur, fraction, now, q.typeMean(cur.type())))
              .build();
      if (q.updateProgress(cur, next)) {
        q.changed(cur, next);
        return next;
      }
    }
  }

  @Override
  public Job complete(String jobId, Map<String, ?> result) {
    Map<String, Object> copy = result == null ? null : JsonValues.copyObject(result);
    Job done =
        q.mutate(
            jobId,
            (cur, next) -> {
              requireTracked(cur);
              if (cur.status() != JobStatus.RUNNING || cur.awaitingChildren()) {
                throw new IllegalJobTransitionException(
                    jobId,
                    cur.status(),
                    JobStatus.COMPLETED,
                    cur.awaitingChildren()
                        ? "it was already completed and waits for its children"
                        : "only a running job can complete");
              }
              if (!cur.childJobIds().isEmpty()) {
                return next.awaitingChildren(true).result(copy);
              }
              return next.status(JobStatus.COMPLETED)
                  .completedAt(q.now())
                  .result(copy)
                  .progress(1.0)
                  .etaSeconds(null);
            });
    if (done.awaitingChildren()) {
      q.refreshParent(jobId);
      return q.get(jobId);
    }
    return done;
  }

  @Override
  public Job fail(String jobId, String error) {
    if (error == null || error.isBlank()) {
      throw new IllegalArgumentException("the error of failed job " + jobId + " must not be blank");
    }
    return q.mutate(
        jobId,
        (cur, next) -> {
          requireTracked(cur);
          if (cur.isTerminal()) {
            throw new IllegalJobTransitionException(
                jobId, cur.status(), JobStatus.FAILED, "it has already ended");
          }
          return next.status(JobStatus.FAILED)
              .completedAt(q.now())
              .error(error)
              .etaSeconds(null)
              .awaitingChildren(false);
        });
  }

  private void requireTracked(Job cur) {
    if (!cur.tracked()) {
      throw new JobStateException(
          cur.id(),
          cur.status(),
          "job "
              + cur.id()
              + " is run by the queue's workers; only jobs created with tracker().create() are"
              + " reported by the host");
    }
  }
}
