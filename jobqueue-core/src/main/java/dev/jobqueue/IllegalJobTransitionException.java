package dev.jobqueue;

/** The state machine does not allow moving the job from its status to the requested one. */
public class IllegalJobTransitionException extends JobStateException {
  private final JobStatus to;

  public IllegalJobTransitionException(String jobId, JobStatus from, JobStatus to, String why) {
    super(
        jobId,
        from,
        "job "
            + jobId
            + " cannot move from "
            + from.wireName()
            + " to "
            + to.wireName()
            + (why == null ? "" : ": " + why));
    this.to = to;
  }

  public JobStatus from() {
    return status();
  }

  public JobStatus to() {
    return to;
  }
}
