package dev.jobqueue;

/** A registered listener; {@link #close()} unsubscribes it and stops its thread. */
public interface Subscription extends AutoCloseable {
  /** Events delivered so far. */
  long delivered();

  /** Progress events replaced by a newer one of the same job before delivery. */
  long coalesced();

  /** Exceptions the listener threw. */
  long failures();

  /** Events waiting to be delivered. */
  int backlog();

  @Override
  void close();
}
