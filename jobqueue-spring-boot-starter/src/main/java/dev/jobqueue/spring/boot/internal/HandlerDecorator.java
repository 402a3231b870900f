package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.JobHandler;

/** Wraps each handler bean before it is registered (observations, when they are on). */
@FunctionalInterface
public interface HandlerDecorator {
  JobHandler decorate(String type, JobHandler handler);
}
