package dev.jobqueue.examples.analysis;

import dev.jobqueue.JobContext;
import java.time.Duration;

/**
 * Reports a handler's progress step by step. An optional pace (a short pause before each step)
 * makes fast work on small images visible in the task manager; a cancel interrupts the pause.
 */
public final class Steps {
  private final JobContext ctx;
  private final int total;
  private final long paceMillis;
  private int done;

  public Steps(JobContext ctx, int total, Duration pace) {
    if (total < 1) {
      throw new IllegalArgumentException("total steps must be at least 1, got " + total);
    }
    this.ctx = ctx;
    this.total = total;
    this.paceMillis = pace.toMillis();
    ctx.progress(0, total, "Starting");
  }

  /** Marks one more step done with {@code message} shown to users. */
  public void next(String message) throws InterruptedException {
    ctx.throwIfCancelled();
    if (paceMillis > 0) {
      Thread.sleep(paceMillis);
    }
    done = Math.min(done + 1, total);
    ctx.log("step " + done + "/" + total + ": " + message);
    ctx.progress(done, total, message);
  }

  /** Throws if the job was cancelled; for loops between steps. */
  public void checkCancelled() {
    ctx.throwIfCancelled();
  }

  public int total() {
    return total;
  }
}
