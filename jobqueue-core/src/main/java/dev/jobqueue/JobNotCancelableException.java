package dev.jobqueue;

/** The job was submitted with {@code cancelable(false)}. */
public class JobNotCancelableException extends JobStateException {
  public JobNotCancelableException(String jobId, JobStatus status) {
    super(
        jobId,
        status,
        "job " + jobId + " is " + status.wireName() + " and was submitted as not cancelable");
  }
}
