package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A sink that records what {@link OrderedRelease} released, plus helpers to queue entries. */
final class Released implements OrderedRelease.Sink {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Appended by the draining thread only; read after the threads that drain are joined. */
  final List<Job> jobs = new ArrayList<>();

  private final List<JobEvent.Kind> kinds = new ArrayList<>();

  @Override
  public void release(JobEvent.Kind kind, Job job, boolean statusChanged) {
    kinds.add(kind);
    jobs.add(job);
  }

  /** What was released so far, such as {@code [a1 CREATED QUEUED, a2 RUNNING]}. */
  List<String> events() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      out.add(describe(kinds.get(i), jobs.get(i)));
    }
    return out;
  }

  static String describe(JobEvent.Kind kind, Job job) {
    return job.id()
        + job.version()
        + " "
        + (kind == JobEvent.Kind.UPDATED ? "" : kind + " ")
        + job.status();
  }

  static Job job(String id, long version, JobStatus status) {
    return new Job.Builder()
        .id(id)
        .type("t")
        .title(id)
        .status(status)
        .createdAt(T0)
        .updatedAt(T0)
        .version(version)
        .build();
  }

  static PendingEvent begin(OrderedRelease queue, JobEvent.Kind kind, Job job) {
    return queue.enqueue(new PendingEvent(queue, kind, job, true));
  }
}
