package dev.jobqueue.spring.boot;

import dev.jobqueue.JobQueue;
import dev.jobqueue.servlet.JobQueueFilter;
import dev.jobqueue.spring.boot.internal.BeforeQueueClose;
import dev.jobqueue.spring.boot.internal.FilterFactory;
import dev.jobqueue.spring.boot.internal.SpringSecurityUserResolver;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the queue's REST API, SSE stream and widget under {@code jobqueue.web.base-path}, scoped
 * to the caller: the {@link JobQueueUserResolver} bean, else Spring Security's principal, else
 * (only with {@code jobqueue.web.shared-view-for-all-callers=true}) one view for all callers.
 */
@AutoConfiguration(after = JobQueueAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({JobQueueFilter.class, FilterRegistrationBean.class})
@ConditionalOnBean(JobQueue.class)
@ConditionalOnBooleanProperty(name = "jobqueue.web.enabled", matchIfMissing = true)
public class JobQueueWebAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  JobQueueFilter jobQueueFilter(
      JobQueue queue,
      JobQueueProperties properties,
      ObjectProvider<JobQueueUserResolver> resolver) {
    return FilterFactory.create(queue, properties.getWeb(), resolver.getIfAvailable());
  }

  @Bean
  @ConditionalOnMissingBean(name = "jobQueueFilterRegistration")
  FilterRegistrationBean<JobQueueFilter> jobQueueFilterRegistration(
      JobQueueFilter filter, JobQueueProperties properties) {
    FilterRegistrationBean<JobQueueFilter> registration = new FilterRegistrationBean<>(filter);
    String base = filter.basePath();
    registration.addUrlPatterns(base, base + "/*");
    registration.setAsyncSupported(true); // the SSE stream uses servlet async I/O
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    registration.setOrder(properties.getWeb().getFilterOrder());
    return registration;
  }

  @Bean
  BeforeQueueClose jobQueueFilterShutdown(JobQueueFilter filter) {
    return filter::destroy;
  }

  /** Spring Security's principal scopes every call when no resolver bean is defined. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
  static class SpringSecurityResolver {
    @Bean
    @ConditionalOnMissingBean
    JobQueueUserResolver jobQueueUserResolver() {
      return new SpringSecurityUserResolver();
    }
  }
}
