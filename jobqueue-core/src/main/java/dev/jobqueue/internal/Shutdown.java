package dev.jobqueue.internal;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A graceful close: workers finish the jobs in hand within the shutdown timeout (then those are
 * cancelled), reserved jobs no worker started go back to the store, ends still being stored are
 * awaited, and the queue's threads stop; listeners get what is left to deliver.
 */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private final QueueConfig config;
  private final Dispatcher dispatcher;
  private final Executions executions;
  private final Attempts attempts;
  private final EventHub hub;
  private final ExecutorService scheduler;
  private final ExecutorService completions;

  /** Runs once the queue made its last changes, before listeners get what is left. */
  private final Runnable beforeListenersClose;

  Shutdown(
      QueueConfig config,
      Dispatcher dispatcher,
      Executions executions,
      Attempts attempts,
      EventHub hub,
      ExecutorService scheduler,
      ExecutorService completions,
      Runnable beforeListenersClose) {
    this.config = config;
    this.beforeListenersClose = beforeListenersClose;
    this.dispatcher = dispatcher;
    this.executions = executions;
    this.attempts = attempts;
    this.hub = hub;
    this.scheduler = scheduler;
    this.completions = completions;
  }

  void run() {
    String id = config.instanceId();
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    if (!dispatcher.stop(deadline)) {
      List<String> stillRunning = executions.jobIds();
      log.warn(
          "job queue {}: {} jobs still running after {}; interrupting them, they end as the"
              + " recovery policy {} says: {}",
          id,
          stillRunning.size(),
          config.shutdownTimeout(),
          config.recoveryPolicy(),
          stillRunning);
      for (Execution ex : executions.all()) {
        ex.abandon();
      }
      if (!dispatcher.awaitWorkers(System.nanoTime() + Attempts.GRACE.toNanos())) {
        for (Execution ex : executions.all()) {
          // again: a worker that was claiming while the queue stopped registers its attempt late
          ex.abandon();
          attempts.endIgnored(ex);
        }
      }
    }
    dispatcher.releaseReservations();
    attempts.close();
    scheduler.shutdownNow();
    beforeListenersClose.run();
    hub.closeListeners(TimeUnit.SECONDS.toMillis(5));
    hub.failWaiters(new IllegalStateException("the job queue " + id + " was closed"));
    completions.shutdown();
    try {
      if (!completions.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("job queue {}: a completion callback still runs after close", id);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("job queue {} closed", id);
  }
}
