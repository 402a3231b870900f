package dev.jobqueue;

/** The queue was closed: it takes no more submissions, commands or subscriptions (HTTP 503). */
public class JobQueueClosedException extends JobQueueException {
  public JobQueueClosedException(String message) {
    super(message);
  }
}
