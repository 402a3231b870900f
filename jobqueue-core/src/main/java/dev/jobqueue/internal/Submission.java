package dev.jobqueue.internal;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.UnknownJobTypeException;
import dev.jobqueue.spi.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates jobs: checks a request against its parent and dependencies, stores the new snapshot,
 * links it to its parent and wakes a worker. Plain requests of a batch are stored in one call.
 */
final class Submission {
  private static final Logger log = LoggerFactory.getLogger(Submission.class);

  private final QueueConfig config;
  private final JobStore store;
  private final JobWrites writes;
  private final Lineage lineage;
  private final RunTimes runTimes;

  /** Wakes a worker now (null) or when a delayed job becomes due. */
  private final Consumer<Instant> wake;

  private final Consumer<String> cancelChild;

  Submission(
      QueueConfig config,
      JobWrites writes,
      Lineage lineage,
      RunTimes runTimes,
      Consumer<Instant> wake,
      Consumer<String> cancelChild) {
    this.config = config;
    this.store = config.store();
    this.writes = writes;
    this.lineage = lineage;
    this.runTimes = runTimes;
    this.wake = wake;
    this.cancelChild = cancelChild;
  }

  Job submit(JobRequest request) {
    requireHandler(request);
    return insert(request, false);
  }

  List<Job> submitAll(List<JobRequest> requests) {
    for (JobRequest r : requests) {
      requireHandler(r);
    }
    List<Job> plain = new ArrayList<>(requests.size());
    for (JobRequest r : requests) {
      if (isPlain(r)) {
        plain.add(newJob(r, r.userId(), false, writes.now()));
      }
    }
    writes.insertAll(plain);
    java.util.Set<Instant> wakes = new java.util.HashSet<>();
    for (Job j : plain) {
      if (wakes.add(j.runAt())) {
        wake.accept(j.runAt());
      }
    }
    // Children and dependents need their parent and dependencies checked one by one.
    List<Job> out = new ArrayList<>(requests.size());
    int next = 0;
    for (JobRequest r : requests) {
      out.add(isPlain(r) ? plain.get(next++) : insert(r, false));
    }
    return out;
  }

  private static boolean isPlain(JobRequest r) {
    return r.parentJobId() == null && r.dependsOn().isEmpty() && r.uniqueKey() == null;
  }

  private void requireHandler(JobRequest r) {
    if (!config.handlers().containsKey(r.type())) {
      throw new UnknownJobTypeException(r.type(), config.handlers().keySet());
    }
  }

  /** A child submitted by a running handler: it belongs to that job. */
  Job spawn(Execution parent, JobRequest child) {
    return submit(
        new JobRequest(
            child.type(),
            child.title(),
            child.description(),
            child.input(),
            child.priority(),
            parent.jobId(),
            child.dependsOn(),
            child.maxAttempts(),
            child.optional(),
            child.userId(),
            child.cancelable(),
            child.totalSteps(),
            child.timeout(),
            child.runAt(),
            child.delay(),
            child.uniqueKey()));
  }

  /** Stores one new job, managed or (for the tracker) tracked. */
  Job insert(JobRequest request, boolean tracked) {
    String userId = request.userId();
    if (request.parentJobId() != null) {
      userId = checkParent(request, userId);
    }
    if (!request.dependsOn().isEmpty()) {
      lineage.dependentSubmitted();
    }
    for (String dep : request.dependsOn()) {
      if (store.get(dep).isEmpty()) {
        throw new IllegalArgumentException("dependency " + dep + " of the new job does not exist");
      }
    }
    Job job = newJob(request, userId, tracked, writes.now());
    if (job.uniqueKey() != null) {
      Job holder = writes.insertUnique(job);
      if (!holder.id().equals(job.id())) {
        log.debug("unique key {} is held by {}: no new job", job.uniqueKey(), holder.describe());
        return holder;
      }
    } else {
      writes.insert(job);
    }
    if (log.isDebugEnabled()) {
      log.debug("created {}", job.describe());
    }
    if (request.parentJobId() != null) {
      link(request.parentJobId(), job);
    }
    // A dependency may have failed between our check and our insert; its own check of dependents
    // may have missed us, so look again now that we are stored.
    for (String dep : request.dependsOn()) {
      Optional<Job> d = store.get(dep);
      if (d.isPresent()
          && (d.get().status() == JobStatus.FAILED || d.get().status() == JobStatus.CANCELLED)) {
        lineage.failDependent(job.id(), d.get());
        break;
      }
    }
    // A parent or a failed dependency may have changed the new job already; otherwise the
    // inserted snapshot is the answer and a read would only cost a durable store a round trip.
    // Read before waking a worker, so the answer says "queued" rather than racing its start.
    Job answer =
        request.parentJobId() == null && request.dependsOn().isEmpty()
            ? job
            : store.get(job.id()).orElse(job);
    if (!tracked) {
      wake.accept(job.runAt());
    }
    return answer;
  }

  /** Checks that a child may join its parent; returns the child's user (the parent's if unset). */
  private String checkParent(JobRequest request, String userId) {
    Job parent =
        store
            .get(request.parentJobId())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "parent job " + request.parentJobId() + " does not exist"));
    if (parent.isTerminal()) {
      throw new JobStateException(
          parent.id(),
          parent.status(),
          "cannot add a child to job "
              + parent.id()
              + ": it is already "
              + parent.status().wireName());
    }
    if (userId == null) {
      return parent.userId();
    }
    if (parent.userId() != null && !parent.userId().equals(userId)) {
      throw new IllegalArgumentException(
          "a child job must belong to its parent's user (" + parent.userId() + "), got " + userId);
    }
    return userId;
  }

  private void link(String parentId, Job child) {
    Job parent;
    try {
      parent = lineage.addChild(parentId, child);
    } catch (IllegalJobTransitionException e) {
      // The parent ended between our check and our insert: the child has no one to report to.
      log.debug(
          "parent {} ended before child {} joined it; cancelling the child", parentId, child.id());
      cancelChild.accept(child.id());
      return;
    }
    if (parent.status() == JobStatus.CANCELLED || parent.cancelRequested()) {
      cancelChild.accept(child.id());
    }
  }

  /** A new managed job for {@code request} at {@code now}, not stored (a schedule's run). */
  Job newJob(JobRequest request, Instant now) {
    return newJob(request, request.userId(), false, now);
  }

  private Job newJob(JobRequest request, String userId, boolean tracked, Instant now) {
    Integer maxAttempts = request.maxAttempts();
    return new Job.Builder()
        .id(Ids.newId(now.toEpochMilli()))
        .type(request.type())
        .status(JobStatus.QUEUED)
        .createdAt(now)
        .updatedAt(now)
        .title(request.title())
        .description(request.description())
        .input(request.input())
        .priority(request.priority())
        .parentJobId(request.parentJobId())
        .dependsOn(request.dependsOn())
        .maxAttempts(maxAttempts != null ? maxAttempts : config.defaultMaxAttempts())
        .optional(request.optional())
        .userId(userId)
        .cancelable(request.cancelable())
        .totalSteps(request.totalSteps())
        .etaSeconds(runTimes.mean(request.type()))
        .tracked(tracked)
        .timeout(request.timeout())
        .runAt(request.delay() != null ? now.plus(request.delay()) : request.runAt())
        .uniqueKey(request.uniqueKey())
        .build();
  }
}
