package dev.jobqueue.spring.boot.internal;

/**
 * Runs when the queue's lifecycle stops, before the queue closes: the web filter ends its SSE
 * streams here, or the server's graceful shutdown would wait for them until its timeout.
 */
@FunctionalInterface
public interface BeforeQueueClose {
  void run();
}
