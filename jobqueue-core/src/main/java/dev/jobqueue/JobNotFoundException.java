package dev.jobqueue;

/** No job has the given id (or it is not visible to the caller). */
public class JobNotFoundException extends JobQueueException {
  private final String jobId;

  public JobNotFoundException(String jobId) {
    super("job " + jobId + " does not exist (it may have been deleted or purged)");
    this.jobId = jobId;
  }

  public String jobId() {
    return jobId;
  }
}
