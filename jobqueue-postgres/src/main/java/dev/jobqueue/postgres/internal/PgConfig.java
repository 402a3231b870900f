package dev.jobqueue.postgres.internal;

import java.time.Duration;
import javax.sql.DataSource;

/**
 * The checked options of a PostgreSQL store.
 *
 * @param dataSource where connections come from
 * @param schema schema of the tables (created if missing)
 * @param tablePrefix prefix of every table and index name
 * @param progressFlushInterval how long progress may stay in memory before it is written
 * @param maxBatch most changes committed in one transaction
 */
public record PgConfig(
    DataSource dataSource,
    String schema,
    String tablePrefix,
    Duration progressFlushInterval,
    int maxBatch) {

  /** Schema and prefix, for example {@code public.jobqueue_}. */
  public String qualifiedPrefix() {
    return schema + "." + tablePrefix;
  }
}
