package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.JobTracker;
import dev.jobqueue.internal.Transitions.Change;
import dev.jobqueue.spi.JsonValues;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The host-run lifecycle (create → start → progress → complete / fail): the same store,
 * transitions, events and effects as managed jobs, minus the workers.
 */
final class TrackedJobs implements JobTracker {
  private final Submission submission;
  private final JobWrites writes;
  private final RunTimes runTimes;
  private final String instanceId;
  private final Duration lease;
  private final Runnable requireOpen;

  TrackedJobs(
      Submission submission,
      JobWrites writes,
      RunTimes runTimes,
      String instanceId,
      Duration lease,
      Runnable requireOpen) {
    this.submission = submission;
    this.writes = writes;
    this.runTimes = runTimes;
    this.instanceId = instanceId;
    this.lease = lease;
    this.requireOpen = requireOpen;
  }

  @Override
  public Job create(JobRequest request) {
    requireOpen.run();
    return submission.insert(request, true);
  }

  @Override
  public Job start(String jobId) {
    return writes.mutate(
        jobId,
        cur -> {
          requireTracked(cur);
          Instant now = writes.now();
          return Transitions.apply(cur, new Cause.Start(instanceId, now.plus(lease)), now);
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
      Job cur = writes.get(jobId);
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
      Instant now = writes.now();
      Double eta = Progress.eta(cur, fraction, now, runTimes.mean(cur.type()));
      Change c =
          Transitions.apply(cur, new Cause.Progress(fraction, message, current, total, eta), now);
      if (writes.writeProgress(c)) {
        writes.changed(c);
        return c.next();
      }
    }
  }

  @Override
  public Job complete(String jobId, Map<String, ?> result) {
    Map<String, Object> copy = result == null ? null : JsonValues.copyObject(result);
    Job done =
        writes.mutate(
            jobId,
            cur -> {
              requireTracked(cur);
              return Transitions.apply(cur, new Cause.Complete(copy), writes.now());
            });
    // A parent that waits for its children may have ended with them already.
    return done.awaitingChildren() ? writes.get(jobId) : done;
  }

  @Override
  public Job fail(String jobId, String error) {
    if (error == null || error.isBlank()) {
      throw new IllegalArgumentException("the error of failed job " + jobId + " must not be blank");
    }
    return writes.mutate(
        jobId,
        cur -> {
          requireTracked(cur);
          return Transitions.apply(cur, new Cause.Fail(error), writes.now());
        });
  }

  private static void requireTracked(Job cur) {
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
