package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.JobQueue;
import dev.jobqueue.servlet.JobQueueFilter;
import dev.jobqueue.spring.boot.JobQueueProperties;
import dev.jobqueue.spring.boot.JobQueueUserResolver;
import java.util.LinkedHashSet;

/** Builds the filter from {@code jobqueue.web.*} and the user resolver, if any. */
public final class FilterFactory {
  private FilterFactory() {}

  public static JobQueueFilter create(
      JobQueue queue, JobQueueProperties.Web props, JobQueueUserResolver resolver) {
    JobQueueFilter.Builder b =
        JobQueueFilter.builder(queue)
            .basePath(props.getBasePath())
            .allowedOrigins(new LinkedHashSet<>(props.getAllowedOrigins()))
            .exposeInput(props.isExposeInput());
    if (resolver != null) {
      b.userResolver(resolver::userId);
    } else if (props.isSharedViewForAllCallers()) {
      b.sharedViewForAllCallers();
    } else {
      throw new IllegalStateException(
          "jobqueue: nothing says whose jobs a web request may see, so every caller would see and"
              + " cancel every job. Add Spring Security (its principal becomes the job's user),"
              + " define a JobQueueUserResolver bean, or set"
              + " jobqueue.web.shared-view-for-all-callers=true for one view shared by all callers"
              + " (or jobqueue.web.enabled=false for no web API)");
    }
    return b.build();
  }
}
