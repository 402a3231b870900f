package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spring.boot.JobQueueProperties;
import org.springframework.util.ClassUtils;

/** The store {@code jobqueue.store.*} names. */
public final class StoreFactory {
  private static final String SQLITE = "dev.jobqueue.sqlite.SqliteJobStore";

  private StoreFactory() {}

  public static JobStore create(JobQueueProperties.Store props, ClassLoader classLoader) {
    return switch (props.getType()) {
      case MEMORY -> new InMemoryJobStore();
      case SQLITE -> {
        if (!ClassUtils.isPresent(SQLITE, classLoader)) {
          throw new IllegalStateException(
              "jobqueue.store.type=sqlite needs dev.jobqueue:jobqueue-sqlite on the classpath:"
                  + " add it as a dependency, or set jobqueue.store.type=memory");
        }
        yield SqliteStore.open(props.getPath());
      }
    };
  }
}
