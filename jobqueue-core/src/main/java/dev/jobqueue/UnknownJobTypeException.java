package dev.jobqueue;

import java.util.Set;
import java.util.TreeSet;

/** A managed job was submitted for a type that has no registered handler. */
public class UnknownJobTypeException extends JobQueueException {
  private final String type;

  public UnknownJobTypeException(String type, Set<String> known) {
    super(
        "no handler is registered for job type '"
            + type
            + "' (registered: "
            + new TreeSet<>(known)
            + "); register one with JobQueue.builder().handler(\""
            + type
            + "\", ...) or report the work as a tracked job with queue.tracker()");
    this.type = type;
  }

  public String type() {
    return type;
  }
}
