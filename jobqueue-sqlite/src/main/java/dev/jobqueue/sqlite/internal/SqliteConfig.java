package dev.jobqueue.sqlite.internal;

import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The checked, immutable options of a SQLite job store (built by {@code SqliteJobStore.Builder}).
 *
 * @param file the database file, or null when {@code dataSource} is set
 * @param dataSource where connections come from, or null when {@code file} is set
 * @param durable synchronous=FULL (true) or NORMAL (false)
 * @param busyTimeout how long to wait for a lock held by another connection
 * @param readConnections size of the read pool
 * @param progressFlushInterval how long coalesced progress may wait before it is written
 * @param maxBatch most changes committed in one transaction
 * @param createDirectories create a missing parent directory instead of failing
 */
public record SqliteConfig(
    Path file,
    DataSource dataSource,
    boolean durable,
    Duration busyTimeout,
    int readConnections,
    Duration progressFlushInterval,
    int maxBatch,
    boolean createDirectories) {}
