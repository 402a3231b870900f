package dev.jobqueue;

/** Root of the unchecked exceptions this library throws. */
public class JobQueueException extends RuntimeException {
  public JobQueueException(String message) {
    super(message);
  }

  public JobQueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
