package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.spi.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background care of the store: recovery of jobs whose process stopped while running them, the
 * lease heartbeat (with cancels asked through other instances), and the retention purge.
 */
final class Maintenance {
  private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

  private final QueueConfig config;
  private final JobStore store;
  private final JobWrites writes;
  private final Executions executions;
  private final Commands commands;
  private final RunTimes runTimes;

  Maintenance(
      QueueConfig config,
      JobWrites writes,
      Executions executions,
      Commands commands,
      RunTimes runTimes) {
    this.config = config;
    this.store = config.store();
    this.writes = writes;
    this.executions = executions;
    this.commands = commands;
    this.runTimes = runTimes;
  }

  /** Recovers what a previous run left running: every such job, or (shared) expired leases. */
  void recoverInterrupted() {
    List<Job> interrupted =
        store.isShared()
            ? store.expiredLeases(writes.now(), 10_000)
            : store.query(
                JobQuery.builder().status(JobStatus.RUNNING).limit(JobQuery.MAX_LIMIT).build());
    for (Job j : interrupted) {
      recover(j);
    }
  }

  void schedule(ScheduledExecutorService scheduler) {
    long heartbeat = Math.max(50, config.lease().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    long retention = config.retention().interval().toMillis();
    scheduler.scheduleWithFixedDelay(
        this::cleanupSafely, retention, retention, TimeUnit.MILLISECONDS);
  }

  private void recover(Job found) {
    boolean shared = store.isShared();
    Job result =
        writes.mutate(
            found.id(),
            cur -> {
              Instant now = writes.now();
              if (cur.status() != JobStatus.RUNNING
                  || cur.version() != found.version()
                  || shared
                      && (cur.leaseExpiresAt() == null || !cur.leaseExpiresAt().isBefore(now))) {
                return null;
              }
              return Transitions.apply(cur, recoveryOf(cur), now);
            });
    if (result != found && result.version() == found.version() + 1) {
      log.info(
          "recovered job {} ({}) that was running on {}: now {}",
          found.id(),
          found.type(),
          found.owner(),
          result.status().wireName());
    }
  }

  /** What the recovery policy makes of a job whose process stopped while it ran. */
  private Cause recoveryOf(Job cur) {
    if (cur.awaitingChildren()) {
      // Its handler already returned; it ends when its children do. Release the dead owner.
      return new Cause.Orphan();
    }
    if (cur.cancelRequested()) {
      return new Cause.Cancel();
    }
    if (config.recoveryPolicy() == RecoveryPolicy.REQUEUE
        && !cur.tracked()
        && cur.attempt() < cur.maxAttempts()
        && config.handlers().containsKey(cur.type())) {
      return new Cause.Requeue(Job.INTERRUPTED_ERROR, null, null, runTimes.mean(cur.type()));
    }
    return new Cause.Fail(Job.INTERRUPTED_ERROR);
  }

  private void heartbeat() {
    try {
      Instant now = writes.now();
      store.renewLeases(config.instanceId(), now.plus(config.lease()));
      if (store.isShared()) {
        for (Job j : store.expiredLeases(now, 100)) {
          recover(j);
        }
        // Cancels asked through another instance reach our running handlers here.
        for (Execution ex : executions.all()) {
          store.get(ex.jobId()).filter(Job::cancelRequested).ifPresent(j -> ex.cancel());
        }
      }
    } catch (RuntimeException e) {
      log.error("heartbeat failed; retrying in {} ms", config.lease().toMillis() / 3, e);
    }
  }

  private void cleanupSafely() {
    try {
      commands.cleanup();
    } catch (RuntimeException e) {
      log.error("retention cleanup failed; retrying in {}", config.retention().interval(), e);
    }
  }
}
