package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.internal.Transitions.Change;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a stored change, whoever made it: run-time statistics, waking workers, failing
 * dependents, cancelling children, refreshing the parent. Its event is already on its way.
 */
final class ChangeEffects implements JobWrites.Effects {
  private static final Logger log = LoggerFactory.getLogger(ChangeEffects.class);

  private final RunTimes runTimes;
  private final Dispatcher dispatcher;
  private final Lineage lineage;
  private final Commands commands;

  ChangeEffects(RunTimes runTimes, Dispatcher dispatcher, Lineage lineage, Commands commands) {
    this.runTimes = runTimes;
    this.dispatcher = dispatcher;
    this.lineage = lineage;
    this.commands = commands;
  }

  @Override
  public void changed(Change c) {
    Job prev = c.prev();
    Job next = c.next();
    boolean statusChanged = c.statusChanged();
    if (statusChanged && log.isDebugEnabled()) {
      log.debug(
          "job {} ({}) {} -> {}",
          next.id(),
          next.type(),
          prev.status().wireName(),
          next.status().wireName());
    }
    if (statusChanged) {
      switch (next.status()) {
        case COMPLETED -> {
          runTimes.record(next);
          // A worker that finishes a job claims again by itself; only a freed concurrency slot or
          // a dependent that may now run is worth waking an idle worker for.
          if (dispatcher.limited() || lineage.dependentsPossible()) {
            dispatcher.signalWork();
          }
        }
        case FAILED, CANCELLED -> lineage.failDependents(next);
        case QUEUED -> dispatcher.wakeAt(next.runAt());
        case RUNNING -> {}
      }
    }
    boolean cancelAsked = next.cancelRequested() && !prev.cancelRequested();
    if (statusChanged && next.status() == JobStatus.CANCELLED || cancelAsked) {
      for (String child : next.childJobIds()) {
        commands.cancelQuietly(child);
      }
    }
    if (next.awaitingChildren() && !prev.awaitingChildren()) {
      lineage.refreshParent(next.id());
    }
    if (next.parentJobId() != null) {
      if (statusChanged && next.isTerminal()) {
        lineage.refreshParent(next.parentJobId());
      } else {
        lineage.markParentDirty(next.parentJobId());
      }
    }
  }
}
