package dev.jobqueue;

/**
 * Receives every change of the queue's jobs.
 *
 * <p>Each listener gets a thread of its own ({@code jobqueue-listener-N}) and a bounded buffer, so
 * it never runs on, or slows, a worker. Events of one job arrive in order. When the listener falls
 * behind, progress-only events of one job are coalesced to the latest; events that change a status
 * are never dropped. An exception thrown here is logged with its stack trace and counted; the
 * listener keeps receiving.
 */
@FunctionalInterface
public interface JobListener {
  void onEvent(JobEvent event);
}
