package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * UP while the store answers and the queue runs; DOWN when the store fails (with its error) or the
 * backlog passes {@code jobqueue.health.max-backlog}; OUT_OF_SERVICE once the queue has stopped.
 * Details: queued, running and failed jobs, and the handled types.
 */
public final class JobQueueHealthIndicator extends AbstractHealthIndicator {
  private final JobQueue queue;
  private final JobQueueLifecycle lifecycle;
  private final Long maxBacklog;

  public JobQueueHealthIndicator(JobQueue queue, JobQueueLifecycle lifecycle, Long maxBacklog) {
    super("jobqueue health check failed");
    this.queue = queue;
    this.lifecycle = lifecycle;
    this.maxBacklog = maxBacklog;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (lifecycle != null && !lifecycle.isRunning()) {
      builder.outOfService().withDetail("reason", "the job queue has stopped");
      return;
    }
    JobStats stats = queue.stats(null); // reads the store: a failure here reports DOWN
    long queued = stats.byStatus().getOrDefault(JobStatus.QUEUED, 0L);
    builder
        .withDetail("queued", queued)
        .withDetail("running", stats.byStatus().getOrDefault(JobStatus.RUNNING, 0L))
        .withDetail("failed", stats.byStatus().getOrDefault(JobStatus.FAILED, 0L))
        .withDetail("types", new TreeSet<>(queue.handledTypes()));
    if (maxBacklog != null && queued > maxBacklog) {
      builder
          .down()
          .withDetail(
              "reason", queued + " queued jobs exceed jobqueue.health.max-backlog=" + maxBacklog);
    } else {
      builder.up();
    }
  }
}
