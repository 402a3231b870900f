package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.nio.file.Path;

/** Kept apart so that SQLite classes load only when {@code jobqueue.store.type=sqlite}. */
final class SqliteStore {
  private SqliteStore() {}

  static JobStore open(Path file) {
    return SqliteJobStore.builder(file).createDirectories(true).build();
  }
}
