package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.JobQueue;
import java.util.List;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the queue when the application stops, in the phase of the web server's graceful shutdown
 * ({@code WebServerGracefulShutdownLifecycle}), so running jobs get the queue's shutdown timeout
 * while requests drain. SSE streams end first: they never finish on their own and would hold the
 * graceful shutdown until its timeout.
 */
public final class JobQueueLifecycle implements SmartLifecycle {
  /** {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

  private final JobQueue queue;
  private final List<BeforeQueueClose> beforeClose;
  private volatile boolean running;

  public JobQueueLifecycle(JobQueue queue, List<BeforeQueueClose> beforeClose) {
    this.queue = queue;
    this.beforeClose = List.copyOf(beforeClose);
  }

  @Override
  public void start() {
    running = true; // the queue starts its workers when it is built
  }

  @Override
  public void stop() {
    for (BeforeQueueClose hook : beforeClose) {
      hook.run();
    }
    queue.close();
    running = false;
  }

  @Override
  public void stop(Runnable callback) {
    // other beans of this phase (the web server's graceful shutdown) stop at the same time
    Thread t =
        new Thread(
            () -> {
              try {
                stop();
              } finally {
                callback.run();
              }
            },
            "jobqueue-shutdown");
    t.start();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
