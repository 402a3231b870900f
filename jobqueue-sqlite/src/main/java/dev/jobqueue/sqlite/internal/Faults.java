package dev.jobqueue.sqlite.internal;

import dev.jobqueue.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Turns SQLite errors into {@link StoreException}s that name the database file and say what to do,
 * so that an operator can act on the message alone.
 */
public final class Faults {
  // primary SQLite result codes (the low byte of extended codes)
  static final int BUSY = 5;
  static final int LOCKED = 6;
  static final int READONLY = 8;
  static final int IOERR = 10;
  static final int CORRUPT = 11;
  static final int FULL = 13;
  static final int CANTOPEN = 14;
  static final int CONSTRAINT = 19;
  static final int NOTADB = 26;

  private final String file;
  private final Path path;
  private final Duration busyTimeout;

  public Faults(String file, Duration busyTimeout) {
    this(file, null, busyTimeout);
  }

  /**
   * @param path the database file, to look at when SQLite's error leaves the cause open; null for a
   *     DataSource
   */
  public Faults(String file, Path path, Duration busyTimeout) {
    this.file = file;
    this.path = path == null ? null : path.toAbsolutePath().normalize();
    this.busyTimeout = busyTimeout;
  }

  public String file() {
    return file;
  }

  static int code(SQLException e) {
    return e.getErrorCode() & 0xff;
  }

  /**
   * The database file or its WAL when it exists but cannot be written: SQLite reports a write to
   * such a file (opened writable earlier) as a plain I/O error.
   */
  private Path readOnlyFile() {
    if (path == null) {
      return null;
    }
    for (Path p : new Path[] {path, path.resolveSibling(path.getFileName() + "-wal")}) {
      if (Files.exists(p) && !Files.isWritable(p)) {
        return p;
      }
    }
    return null;
  }

  /** A StoreException for {@code e} raised while doing {@code what} (e.g. "opening"). */
  public StoreException of(String what, SQLException e) {
    String advice =
        switch (code(e)) {
          case BUSY, LOCKED ->
              "the database is locked by another process or connection (waited "
                  + busyTimeout.toMillis()
                  + " ms, the busy timeout): stop the other process, or use "
                  + "another file; one job store per file";
          case NOTADB ->
              "the file is not a SQLite database (or is encrypted): move it away or "
                  + "choose another path; it was not changed";
          case CORRUPT -> "the database file is corrupt: restore it from a backup or move it away";
          case READONLY ->
              "read-only: the file or its directory is read-only: SQLite must be able to write the "
                  + "database and its -wal and -shm files there; fix the permissions or choose a "
                  + "writable directory";
          case CANTOPEN ->
              "SQLite cannot open the file: check that its directory exists and is " + "writable";
          case FULL ->
              "disk full: the disk is full (or the database reached its maximum size): free "
                  + "space; nothing of the failed change was written, and writing resumes by "
                  + "itself once there is room";
          case IOERR ->
              readOnlyFile() != null
                  ? "read-only: "
                      + readOnlyFile()
                      + " cannot be written (permissions, or an immutable attribute?): make it "
                      + "writable again; nothing of the failed change was written, and writing "
                      + "resumes by itself once it is"
                  : "an I/O error occurred (disk, permissions, network file system?): check the "
                      + "disk; nothing of the failed change was written";
          default -> "see the cause";
        };
    return new StoreException(
        "SQLite job store "
            + file
            + ": "
            + what
            + " failed: "
            + advice
            + " ["
            + e.getMessage()
            + "]",
        e);
  }
}
