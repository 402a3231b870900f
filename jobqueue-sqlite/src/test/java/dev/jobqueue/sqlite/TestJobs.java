package dev.jobqueue.sqlite;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** Test jobs with unique ids and increasing, whole-millisecond creation times. */
public final class TestJobs {
  public static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");
  private static final AtomicInteger SEQ = new AtomicInteger();

  private TestJobs() {}

  public static Job.Builder job(String type) {
    int n = SEQ.incrementAndGet();
    return new Job.Builder()
        .id("job-" + n)
        .type(type)
        .status(JobStatus.QUEUED)
        .createdAt(T0.plusMillis(n))
        .updatedAt(T0.plusMillis(n))
        .title("Job " + n);
  }

  /** The next snapshot: given status, version + 1. */
  public static Job next(Job j, JobStatus status) {
    return j.toBuilder()
        .status(status)
        .version(j.version() + 1)
        .updatedAt(j.updatedAt().plusMillis(1))
        .completedAt(status.isTerminal() ? j.updatedAt().plusMillis(1) : null)
        .build();
  }
}
