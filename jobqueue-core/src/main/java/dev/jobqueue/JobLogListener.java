package dev.jobqueue;

/**
 * Receives the log lines handlers write, a batch per attempt about every 100 ms, on the queue's log
 * thread ({@code jobqueue-logs}). It must be quick (queue the lines elsewhere if there is work to
 * do): the same thread writes the logs to the store. An exception is logged; the listener keeps
 * receiving. Lines of attempts running on other instances of a shared store are not delivered.
 */
@FunctionalInterface
public interface JobLogListener {
  void onLog(JobLogEvent event);
}
