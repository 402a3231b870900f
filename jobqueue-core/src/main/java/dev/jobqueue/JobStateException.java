package dev.jobqueue;

/** The job exists but its current state does not allow the operation (HTTP 409). */
public class JobStateException extends JobQueueException {
  private final String jobId;
  private final JobStatus status;

  public JobStateException(String jobId, JobStatus status, String message) {
    super(message);
    this.jobId = jobId;
    this.status = status;
  }

  public String jobId() {
    return jobId;
  }

  /** The job's status when the operation was refused. */
  public JobStatus status() {
    return status;
  }
}
