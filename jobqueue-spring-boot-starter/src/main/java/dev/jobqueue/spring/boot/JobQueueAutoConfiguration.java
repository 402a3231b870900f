package dev.jobqueue.spring.boot;

import dev.jobqueue.JobQueue;
import dev.jobqueue.JobQueueBuilder;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spring.boot.internal.BeforeQueueClose;
import dev.jobqueue.spring.boot.internal.HandlerBeans;
import dev.jobqueue.spring.boot.internal.HandlerDecorator;
import dev.jobqueue.spring.boot.internal.JobQueueLifecycle;
import dev.jobqueue.spring.boot.internal.JobQueueSettings;
import dev.jobqueue.spring.boot.internal.StoreFactory;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

/**
 * A {@link JobQueue} from the {@code jobqueue.*} properties, running every {@link JobType} handler
 * bean, closed in the graceful-shutdown phase. A host bean of the same type replaces each part: a
 * {@link JobStore} replaces {@code jobqueue.store.*}, a {@link JobQueue} replaces the whole queue
 * (its handlers are then the host's business).
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "jobqueue.enabled", matchIfMissing = true)
@EnableConfigurationProperties(JobQueueProperties.class)
public class JobQueueAutoConfiguration {

  /**
   * {@code jobqueue.store.type=postgres}: on the application's DataSource, a dependency of this
   * bean so that the store closes before the pool. Declared before {@link #jobQueueStore}, which it
   * then replaces.
   */
  @Bean
  @ConditionalOnMissingBean({JobStore.class, JobQueue.class})
  @ConditionalOnProperty(name = "jobqueue.store.type", havingValue = "postgres")
  JobStore jobQueuePostgresStore(
      JobQueueProperties properties, ResourceLoader resources, DataSource dataSource) {
    return StoreFactory.postgres(properties.getStore(), resources.getClassLoader(), dataSource);
  }

  /** Not for a host's own queue, which has its store: no file is opened for nothing. */
  @Bean
  @ConditionalOnMissingBean({JobStore.class, JobQueue.class})
  JobStore jobQueueStore(JobQueueProperties properties, ResourceLoader resources) {
    return StoreFactory.create(properties.getStore(), resources.getClassLoader());
  }

  @Bean
  @ConditionalOnMissingBean
  JobQueueSettings jobQueueSettings(JobQueueProperties properties) {
    return JobQueueSettings.from(properties);
  }

  @Bean
  @ConditionalOnMissingBean
  JobQueue jobQueue(
      JobQueueSettings settings,
      JobStore store,
      ListableBeanFactory beans,
      ObjectProvider<JobQueueCustomizer> customizers,
      ObjectProvider<HandlerDecorator> decorator) {
    JobQueueBuilder builder = JobQueue.builder().store(store);
    settings.apply(
        builder,
        HandlerBeans.find(beans),
        decorator.getIfAvailable(() -> (type, handler) -> handler));
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  @Bean
  @ConditionalOnMissingBean
  JobQueueLifecycle jobQueueLifecycle(JobQueue queue, ObjectProvider<BeforeQueueClose> hooks) {
    return new JobQueueLifecycle(queue, hooks.orderedStream().toList());
  }
}
