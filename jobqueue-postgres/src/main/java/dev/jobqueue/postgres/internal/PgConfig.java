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
 * @param notifications whether commits send a NOTIFY that wakes the other instances' feeds
 * @param pollInterval how often the change feed reads without a notification
 * @param eventRetention how long the events of the change feed are kept
 */
public record PgConfig(
    DataSource dataSource,
    String schema,
    String tablePrefix,
    Duration progressFlushInterval,
    int maxBatch,
    boolean notifications,
    Duration pollInterval,
    Duration eventRetention) {

  /** Schema and prefix, for example {@code public.jobqueue_}. */
  public String qualifiedPrefix() {
    return schema + "." + tablePrefix;
  }
}
