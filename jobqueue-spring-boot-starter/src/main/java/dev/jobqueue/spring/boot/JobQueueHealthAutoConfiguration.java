package dev.jobqueue.spring.boot;

import dev.jobqueue.JobQueue;
import dev.jobqueue.spring.boot.internal.JobQueueHealthIndicator;
import dev.jobqueue.spring.boot.internal.JobQueueLifecycle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code jobqueue} Actuator health component ({@code management.health.jobqueue.enabled}). */
@AutoConfiguration(after = JobQueueAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
public class JobQueueHealthAutoConfiguration {

  /** Nested: its condition's class exists only when spring-boot-health does. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(JobQueue.class)
  @ConditionalOnEnabledHealthIndicator("jobqueue")
  static class Indicator {
    @Bean
    @ConditionalOnMissingBean(name = "jobqueueHealthIndicator")
    JobQueueHealthIndicator jobqueueHealthIndicator(
        JobQueue queue,
        ObjectProvider<JobQueueLifecycle> lifecycle,
        JobQueueProperties properties) {
      return new JobQueueHealthIndicator(
          queue, lifecycle.getIfAvailable(), properties.getHealth().getMaxBacklog());
    }
  }
}
