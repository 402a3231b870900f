package dev.jobqueue;

/** A store could not do its work (I/O, database or schema problem). The message says what to do. */
public class StoreException extends JobQueueException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
