package dev.jobqueue;

/**
 * Thrown by {@link JobContext#throwIfCancelled()} (and by progress reports) once the job was
 * cancelled. Handlers let it propagate; the job then ends {@code cancelled}.
 */
public class JobCancelledException extends JobQueueException {
  private final String jobId;

  public JobCancelledException(String jobId) {
    super("job " + jobId + " was cancelled");
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
