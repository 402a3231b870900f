package dev.jobqueue.spi;

import java.util.function.Consumer;

/**
 * Optional capability of a shared store ({@link JobStore#isShared()}): the changes committed to the
 * same database. A queue whose store implements it subscribes when it starts, so its listeners (and
 * every SSE client of this instance) see jobs that run elsewhere, and a cancel asked through
 * another instance reaches the handler running here at once.
 *
 * <p>A feed comes in one of two kinds:
 *
 * <ul>
 *   <li>By default it delivers only the changes other instances committed; the queue publishes its
 *       own changes itself, numbered by the queue.
 *   <li>A feed whose {@link #deliversAllChanges()} is true delivers every committed change, this
 *       store instance's own included ({@link StoreChange#own()}), each with an id global to the
 *       store ({@link StoreChange#sequence()}), in one order that is the same on every instance.
 *       The queue then publishes every event from the feed, in that order and with that id, so
 *       every instance's listeners see the identical sequence of events with identical ids (an SSE
 *       client may resume on any instance with its {@code Last-Event-ID}).
 * </ul>
 */
public interface ChangeFeed {

  /**
   * Starts delivering changes committed from now on, each job's in version order, on a thread of
   * the store (one at a time). {@code sink} must be quick and must not throw.
   *
   * @return stops the delivery; idempotent. For a feed that {@linkplain #deliversAllChanges()
   *     delivers every change}, closing it first delivers (waiting a bounded time) the changes
   *     committed before the call, so that a closing queue's listeners see its last changes.
   */
  AutoCloseable subscribe(Consumer<StoreChange> sink);

  /**
   * Whether this feed delivers every committed change, own ones included, with store-wide ids in an
   * order every instance shares (see the class comment). False by default.
   */
  default boolean deliversAllChanges() {
    return false;
  }
}
