package dev.jobqueue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handler that blocks until its thread is interrupted, for tests of cancels: it tells when it
 * started, whether it was interrupted, and when it returned.
 */
public final class BlockingHandler implements JobHandler {
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final Runnable onInterrupt;

  public BlockingHandler() {
    this(() -> {});
  }

  /** {@code onInterrupt} runs on the handler's thread as it sees the interrupt. */
  public BlockingHandler(Runnable onInterrupt) {
    this.onInterrupt = onInterrupt;
  }

  @Override
  public Map<String, Object> run(JobContext ctx) throws Exception {
    started.countDown();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      onInterrupt.run();
      interrupted.set(true);
      throw e;
    } finally {
      ended.countDown();
    }
    return Map.of();
  }

  /** Waits (30 s at most) until a job started; false when none did. */
  public boolean awaitStarted() throws InterruptedException {
    return started.await(30, TimeUnit.SECONDS);
  }

  /** Waits (30 s at most) until the handler returned; false when it did not. */
  public boolean awaitEnded() throws InterruptedException {
    return ended.await(30, TimeUnit.SECONDS);
  }

  public boolean interrupted() {
    return interrupted.get();
  }
}
