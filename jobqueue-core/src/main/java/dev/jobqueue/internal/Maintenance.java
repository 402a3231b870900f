package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.LeaseRenewal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private final Recovery recovery;
  private final Timeouts timeouts;

  Maintenance(
      QueueConfig config,
      JobWrites writes,
      Executions executions,
      Commands commands,
      Recovery recovery,
      Timeouts timeouts) {
    this.config = config;
    this.store = config.store();
    this.writes = writes;
    this.executions = executions;
    this.commands = commands;
    this.recovery = recovery;
    this.timeouts = timeouts;
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
              return Transitions.apply(cur, recovery.of(cur), now);
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

  private void heartbeat() {
    try {
      Instant now = writes.now();
      Map<String, Execution> running = executions.started();
      LeaseRenewal renewal =
          store.renewLeases(config.instanceId(), running.keySet(), now.plus(config.lease()));
      stopLost(renewal.lost(), running);
      // A cancel asked through another instance reaches the handler here at the latest, even when
      // the change feed lost it.
      for (String id : renewal.cancelRequested()) {
        if (executions.get(id) == running.get(id)) {
          log.debug("job {}: cancel requested (seen by the heartbeat); interrupting", id);
          running.get(id).cancel();
        }
      }
      failSilentTrackedJobs(now);
      if (store.isShared()) {
        for (Job j : store.expiredLeases(now, 100)) {
          recover(j);
        }
      }
    } catch (RuntimeException e) {
      log.error("heartbeat failed; retrying in {} ms", config.lease().toMillis() / 3, e);
    }
  }

  /**
   * Stops the handlers of jobs this instance no longer runs (its lease lapsed and another instance
   * recovered the job, or the job was deleted). Their ends are not written: an end is a
   * compare-and-set on the running snapshot this instance stored, which the recovery replaced.
   */
  private void stopLost(Set<String> lost, Map<String, Execution> running) {
    for (String id : lost) {
      Execution ex = running.get(id);
      if (ex != null && executions.get(id) == ex && !ex.isDone()) {
        log.warn(
            "job {}: this instance lost it (lease lapsed and recovered elsewhere, or deleted);"
                + " interrupting its handler, whose result will not be stored",
            id);
        ex.cancel();
      }
    }
  }

  /** Tracked jobs whose host reported nothing for longer than their timeout fail. */
  private void failSilentTrackedJobs(Instant now) {
    List<Job> active =
        store.query(
            JobQuery.builder()
                .status(JobStatus.QUEUED, JobStatus.RUNNING)
                .limit(JobQuery.MAX_LIMIT)
                .build());
    for (Job j : active) {
      Duration t = j.tracked() && !j.awaitingChildren() ? timeouts.of(j) : null;
      if (t == null || !j.updatedAt().plus(t).isBefore(now)) {
        continue;
      }
      Cause fail =
          new Cause.Fail(
              "no report from the host for "
                  + Timeouts.human(t)
                  + ": the tracked job was abandoned (inactivity timeout)");
      Job after =
          writes.mutate(
              j.id(),
              cur ->
                  cur.version() != j.version() ? null : Transitions.apply(cur, fail, writes.now()));
      if (after.version() == j.version() + 1 && after.status() == JobStatus.FAILED) {
        log.warn("tracked job {} ({}) failed: no report for {}", j.id(), j.type(), t);
      }
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
