package dev.jobqueue.examples;

import dev.jobqueue.spi.JobStore;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the SQLite store, creating the file's directory when needed. */
final class SqliteStores {
  private SqliteStores() {}

  static JobStore open(Path file) throws Exception {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    return SqliteJobStore.open(file);
  }
}
