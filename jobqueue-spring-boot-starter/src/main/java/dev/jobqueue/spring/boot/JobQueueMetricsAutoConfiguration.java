package dev.jobqueue.spring.boot;

import dev.jobqueue.JobQueue;
import dev.jobqueue.micrometer.JobObservations;
import dev.jobqueue.micrometer.JobQueueMetrics;
import dev.jobqueue.servlet.JobQueueFilter;
import dev.jobqueue.spring.boot.internal.HandlerDecorator;
import dev.jobqueue.spring.boot.internal.SseMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queue's meters as a {@link io.micrometer.core.instrument.binder.MeterBinder} bean, which
 * Spring Boot binds to every {@link MeterRegistry}; with {@code jobqueue.observation.enabled=true},
 * an observation around each handler run.
 */
@AutoConfiguration(after = {JobQueueAutoConfiguration.class, JobQueueWebAutoConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, JobQueueMetrics.class})
public class JobQueueMetricsAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(JobQueue.class)
  @ConditionalOnBooleanProperty(name = "jobqueue.metrics.enabled", matchIfMissing = true)
  static class Meters {
    @Bean
    @ConditionalOnMissingBean
    JobQueueMetrics jobQueueMetrics(JobQueue queue, JobQueueProperties properties) {
      JobQueueProperties.Metrics p = properties.getMetrics();
      return JobQueueMetrics.builder(queue)
          .maxTypes(p.getMaxTypes())
          .percentiles(p.getPercentiles().stream().mapToDouble(Double::doubleValue).toArray())
          .percentileHistogram(p.isPercentileHistogram())
          .build();
    }
  }

  /** Apart, so that the servlet classes load only in a servlet application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  @ConditionalOnBean(type = "dev.jobqueue.servlet.JobQueueFilter")
  @ConditionalOnBooleanProperty(name = "jobqueue.metrics.enabled", matchIfMissing = true)
  static class StreamMeters {
    @Bean
    @ConditionalOnMissingBean(name = "jobQueueSseMeters")
    SseMeters jobQueueSseMeters(ObjectProvider<JobQueueFilter> filter) {
      return new SseMeters(filter.getObject());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBooleanProperty(name = "jobqueue.observation.enabled")
  static class Observations {
    @Bean
    HandlerDecorator jobQueueObservations(ObjectProvider<ObservationRegistry> registry) {
      return (type, handler) ->
          JobObservations.observe(
              registry.getIfAvailable(() -> ObservationRegistry.NOOP), type, handler);
    }
  }
}
