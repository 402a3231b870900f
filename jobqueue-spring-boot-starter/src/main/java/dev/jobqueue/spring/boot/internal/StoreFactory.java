package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spring.boot.JobQueueProperties;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/** The store {@code jobqueue.store.*} names. */
public final class StoreFactory {
  private static final String SQLITE = "dev.jobqueue.sqlite.SqliteJobStore";
  private static final String POSTGRES = "dev.jobqueue.postgres.PostgresJobStore";

  private StoreFactory() {}

  /** The memory or SQLite store; a PostgreSQL store is made by {@link #postgres}. */
  public static JobStore create(JobQueueProperties.Store props, ClassLoader classLoader) {
    return switch (props.getType()) {
      case MEMORY -> new InMemoryJobStore();
      case SQLITE -> {
        requireModule(SQLITE, "sqlite", classLoader);
        yield SqliteStore.open(props.getPath());
      }
      case POSTGRES ->
          throw new IllegalStateException(
              "jobqueue.store.type=postgres needs the application's DataSource bean");
    };
  }

  /** The PostgreSQL store on the application's DataSource. */
  public static JobStore postgres(
      JobQueueProperties.Store props, ClassLoader classLoader, DataSource dataSource) {
    requireModule(POSTGRES, "postgres", classLoader);
    return PostgresStore.open(dataSource, props.getPostgres());
  }

  private static void requireModule(String className, String type, ClassLoader classLoader) {
    if (!ClassUtils.isPresent(className, classLoader)) {
      throw new IllegalStateException(
          "jobqueue.store.type="
              + type
              + " needs dev.jobqueue:jobqueue-"
              + type
              + " on the classpath: add it as a dependency, or set jobqueue.store.type=memory");
    }
  }
}
