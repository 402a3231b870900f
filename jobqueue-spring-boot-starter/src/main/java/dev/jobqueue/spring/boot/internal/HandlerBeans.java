package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.JobHandler;
import dev.jobqueue.spring.boot.JobType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;

/** Finds the {@link JobHandler} beans and the job type each declares with {@link JobType}. */
public final class HandlerBeans {
  private HandlerBeans() {}

  /**
   * @return handler per job type, in bean definition order
   * @throws IllegalStateException naming the beans when one declares no type or two share one
   */
  public static Map<String, JobHandler> find(ListableBeanFactory beans) {
    Map<String, String> beanOfType = new LinkedHashMap<>();
    Map<String, JobHandler> handlers = new LinkedHashMap<>();
    for (String name : beans.getBeanNamesForType(JobHandler.class)) {
      JobType declared = beans.findAnnotationOnBean(name, JobType.class);
      if (declared == null || declared.value().isBlank()) {
        throw new IllegalStateException(
            "JobHandler bean '"
                + name
                + "' declares no job type: annotate its class or its @Bean method with"
                + " @JobType(\"<type>\")");
      }
      String type = declared.value();
      String other = beanOfType.putIfAbsent(type, name);
      if (other != null) {
        throw new IllegalStateException(
            "job type '"
                + type
                + "' has two handler beans, '"
                + other
                + "' and '"
                + name
                + "': keep one, or give one of them another @JobType");
      }
      handlers.put(type, beans.getBean(name, JobHandler.class));
    }
    return handlers;
  }
}
