package dev.jobqueue.servlet.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which jobs one SSE client sees: its user's (or all when {@code user} is null) narrowed by the
 * stream's {@code status}, {@code job_id} and {@code parent_job_id} parameters.
 *
 * <p>With a status filter, a job that leaves the watched statuses (running → completed while
 * watching {@code status=running}) must still be sent once, or the client would show it running
 * forever; so the scope remembers which jobs it has shown in a watched status.
 */
public final class StreamScope {
  private final String user;
  private final Set<JobStatus> statuses;
  private final String jobId;
  private final String parentJobId;
  private final Set<String> shown;
  private final boolean logs;

  public StreamScope(String user, Set<JobStatus> statuses, String jobId, String parentJobId) {
    this(user, statuses, jobId, parentJobId, false);
  }

  /**
   * @param logs the client asked for log lines ({@code logs=true}); a {@code job_id} stream gets
   *     them anyway
   */
  public StreamScope(
      String user, Set<JobStatus> statuses, String jobId, String parentJobId, boolean logs) {
    this.logs = logs || jobId != null;
    this.user = user;
    this.statuses = Set.copyOf(statuses);
    this.jobId = jobId;
    this.parentJobId = parentJobId;
    this.shown = statuses.isEmpty() ? null : ConcurrentHashMap.newKeySet();
  }

  public String user() {
    return user;
  }

  public Set<JobStatus> statuses() {
    return statuses;
  }

  public String jobId() {
    return jobId;
  }

  public String parentJobId() {
    return parentJobId;
  }

  /** Whether the client gets {@code event: log} frames (about the jobs it sees). */
  public boolean wantsLogs() {
    return logs;
  }

  /** Whether the client gets this event; records what a status-filtered client has seen. */
  public boolean matches(JobEvent e) {
    return e.kind() == JobEvent.Kind.DELETED ? matchesDeleted(e.job()) : matches(e.job());
  }

  /** Whether the client gets this snapshot of a job (live change or snapshot entry). */
  public boolean matches(Job job) {
    if (!isOwnAndSelected(job)) {
      return false;
    }
    if (shown == null) {
      return true;
    }
    if (statuses.contains(job.status())) {
      shown.add(job.id());
      return true;
    }
    return shown.remove(job.id()); // leaving the watched statuses: tell the client once
  }

  private boolean matchesDeleted(Job job) {
    if (!isOwnAndSelected(job)) {
      return false;
    }
    return shown == null || shown.remove(job.id()) || statuses.contains(job.status());
  }

  /** User, job and parent filters: the ones a job never enters or leaves. */
  public boolean isOwnAndSelected(Job job) {
    return (user == null || user.equals(job.userId()))
        && (jobId == null || jobId.equals(job.id()))
        && (parentJobId == null || parentJobId.equals(job.parentJobId()));
  }
}
