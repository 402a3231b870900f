package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.postgres.PostgresJobStore;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spring.boot.JobQueueProperties;
import javax.sql.DataSource;

/** Kept apart so that PostgreSQL classes load only when {@code jobqueue.store.type=postgres}. */
final class PostgresStore {
  private PostgresStore() {}

  /** On the application's pool, which stays the application's: closing the store keeps it open. */
  static JobStore open(DataSource dataSource, JobQueueProperties.Postgres props) {
    return PostgresJobStore.builder(dataSource)
        .schema(props.getSchema())
        .tablePrefix(props.getTablePrefix())
        .notifications(props.isNotifications())
        .pollInterval(props.getPollInterval())
        .build();
  }
}
