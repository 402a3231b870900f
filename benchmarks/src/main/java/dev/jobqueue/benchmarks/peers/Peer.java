package dev.jobqueue.benchmarks.peers;

/**
 * One system under test, reduced to what the runner needs so that timing, latency and the table are
 * shared code. Every job a peer runs calls {@link NoOpJob#run()} and nothing else.
 */
interface Peer extends AutoCloseable {

  /**
   * Submits {@code n} no-op jobs from the calling thread and returns once the system accepted all
   * of them (as its submit call defines accepted). May be called from several threads at once.
   */
  void submit(int n) throws Exception;

  /**
   * Jobs this system has recorded as completed since it was opened, counted the way its own users
   * would observe completion (an event, a listener, a count in its storage).
   */
  long completed() throws Exception;

  /**
   * Called after the warm-up, before each measured round: brings the storage to the state of a
   * system that has been running for a while. PostgreSQL peers vacuum their tables (the PostgreSQL
   * of these machines runs with autovacuum off, so without it a measured round would read the dead
   * row versions of the warm-up and of the rounds before).
   */
  default void settle() throws Exception {}

  /** Stops the system and drops what it stored; failures are unchecked. */
  @Override
  void close();
}
