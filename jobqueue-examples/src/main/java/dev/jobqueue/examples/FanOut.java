package dev.jobqueue.examples;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobRequest;
import java.util.List;
import java.util.Map;

/**
 * A parent job that only spawns its children and returns at once (comprehensive analysis, the
 * batches). The queue derives the parent's "n/m" progress from the children, completes it when the
 * last one ends and cancels the children with it; per-type concurrency limits apply to each child
 * as to any job of its type.
 */
public final class FanOut {
  private FanOut() {}

  /** The parent's request; {@code children} is its step count, the n of "n/m". */
  public static JobRequest.Builder parent(
      String type, String title, String description, int children, Map<String, ?> input) {
    return JobRequest.builder(type, title)
        .description(description)
        .totalSteps(children)
        .input(input);
  }

  /**
   * Spawns the children, stopping at a cancel between two. They inherit the parent's user (the
   * queue does that) and its priority, so a high-priority batch does not wait behind its own
   * siblings' default.
   */
  public static void spawnAll(JobContext ctx, List<JobRequest.Builder> children) {
    int priority = ctx.job().priority();
    for (JobRequest.Builder child : children) {
      ctx.throwIfCancelled();
      ctx.spawn(child.priority(priority).build());
    }
  }
}
