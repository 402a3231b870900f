package dev.jobqueue.internal;

import dev.jobqueue.JobQueue;

/** Placeholder replaced in the next commit. */
public abstract class DefaultJobQueue implements JobQueue {
  public static String randomInstanceId() {
    return "x";
  }

  public static JobQueue start(QueueConfig config) {
    throw new IllegalStateException("not yet");
  }
}
