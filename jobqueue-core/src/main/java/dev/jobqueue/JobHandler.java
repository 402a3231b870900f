package dev.jobqueue;

import java.util.Map;

/**
 * Runs jobs of one type on the queue's workers. Report progress through the context, check {@link
 * JobContext#isCancelled()} between steps (a cancel also interrupts the thread), and return the
 * result: a map of JSON-like values, or null for none. An exception fails the attempt with its
 * message; the queue retries while attempts remain.
 */
@FunctionalInterface
public interface JobHandler {
  Map<String, Object> run(JobContext ctx) throws Exception;
}
