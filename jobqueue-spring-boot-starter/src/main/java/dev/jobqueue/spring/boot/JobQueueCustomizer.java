package dev.jobqueue.spring.boot;

import dev.jobqueue.JobQueueBuilder;

/**
 * Adjusts the auto-configured queue's builder after the {@code jobqueue.*} properties and the
 * handler beans are applied, for options without a property (concurrency and rate limits per type,
 * a clock, an executor). Beans of this type run in {@link org.springframework.core.annotation.Order
 * order}.
 */
@FunctionalInterface
public interface JobQueueCustomizer {
  void customize(JobQueueBuilder builder);
}
