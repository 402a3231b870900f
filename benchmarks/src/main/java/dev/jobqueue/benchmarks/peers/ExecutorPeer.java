package dev.jobqueue.benchmarks.peers;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/** The floor: a raw two-thread {@link ThreadPoolExecutor}, no state, no storage. */
final class ExecutorPeer implements Peer {
  private final ThreadPoolExecutor executor =
      new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
  private final LongAdder completed = new LongAdder();
  private final Runnable task =
      () -> {
        NoOpJob.run();
        completed.increment();
      };

  @Override
  public void submit(int n) {
    for (int i = 0; i < n; i++) {
      executor.execute(task);
    }
  }

  @Override
  public long completed() {
    return completed.sum();
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
