package dev.jobqueue.spi;

import java.util.function.Consumer;

/**
 * Optional capability of a shared store ({@link JobStore#isShared()}): the changes that other
 * instances committed to the same database. A queue whose store implements it subscribes when it
 * starts, so its listeners (and every SSE client of this instance) see jobs that run elsewhere, and
 * a cancel asked through another instance reaches the handler running here at once.
 *
 * <p>Changes this store instance made itself are not delivered: the queue already published them.
 */
public interface ChangeFeed {

  /**
   * Starts delivering changes committed by other instances from now on, each job's in version
   * order, on a thread of the store. {@code sink} must be quick and must not throw.
   *
   * @return stops the delivery; idempotent
   */
  AutoCloseable subscribe(Consumer<StoreChange> sink);
}
