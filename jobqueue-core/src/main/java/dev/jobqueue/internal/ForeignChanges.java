package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ChangeFeed;
import dev.jobqueue.spi.StoreChange;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes committed to a shared store ({@link ChangeFeed}): they reach this queue's listeners as
 * events, a cancel asked elsewhere interrupts the handler running here, and a job queued elsewhere
 * wakes an idle worker instead of waiting for the next poll.
 *
 * <p>A feed that {@linkplain ChangeFeed#deliversAllChanges() delivers every change} also brings
 * this instance's own changes back: they are published (that is how the listeners get them, in the
 * store's order, with the store's ids) but have no other effect, as the write that made them
 * already applied it.
 */
final class ForeignChanges implements Consumer<StoreChange> {
  private static final Logger log = LoggerFactory.getLogger(ForeignChanges.class);

  private final String instanceId;
  private final EventHub hub;
  private final Executions executions;
  private final Runnable signalWork;
  private final boolean storeOrdered;

  /** Set when the queue closes: events are still published, but nothing else is done. */
  private volatile boolean closing;

  ForeignChanges(
      String instanceId,
      EventHub hub,
      Executions executions,
      Runnable signalWork,
      boolean storeOrdered) {
    this.instanceId = instanceId;
    this.hub = hub;
    this.executions = executions;
    this.signalWork = signalWork;
    this.storeOrdered = storeOrdered;
  }

  /** Whether {@code store}'s feed delivers every change (then the queue publishes from it). */
  static boolean storeOrdered(Object store) {
    return store instanceof ChangeFeed feed && feed.deliversAllChanges();
  }

  /** Subscribes to the store's feed when it has one; returns what stops it (or a no-op). */
  static AutoCloseable subscribe(Object store, ForeignChanges changes) {
    return store instanceof ChangeFeed feed ? feed.subscribe(changes) : () -> {};
  }

  /** From now on changes are published only: the queue is closing. */
  void closing() {
    closing = true;
  }

  @Override
  public void accept(StoreChange change) {
    if (change.own() && !storeOrdered) {
      return; // this queue published it when it wrote it
    }
    try {
      Job j = change.job();
      boolean statusChanged = change.statusChanged() || change.kind() != JobEvent.Kind.UPDATED;
      if (storeOrdered) {
        hub.publishFromStore(change.kind(), j, statusChanged, change.sequence());
      } else {
        hub.begin(change.kind(), j, statusChanged).resolve(true);
      }
      if (change.own() || closing || change.kind() == JobEvent.Kind.DELETED) {
        return;
      }
      if (j.status() == JobStatus.RUNNING && j.cancelRequested() && instanceId.equals(j.owner())) {
        executions.cancel(j.id());
      } else if (j.status() == JobStatus.QUEUED && !j.tracked()
          || j.status() == JobStatus.COMPLETED) {
        signalWork.run(); // runnable now, or a job waiting for this one may be
      }
    } catch (RuntimeException e) {
      log.warn("a change committed to the store could not be applied: {}", change.job().id(), e);
    }
  }
}
