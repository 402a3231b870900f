package dev.jobqueue.sqlite.internal;

import dev.jobqueue.StoreException;
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
  private final Duration busyTimeout;

  public Faults(String file, Duration busyTimeout) {
    this.file = file;
    this.busyTimeout = busyTimeout;
  }

  public String file() {
    return file;
  }

  static int code(SQLException e) {
    return e.getErrorCode() & 0xff;
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
              "the file or its directory is read-only: SQLite must be able to write the "
                  + "database and its -wal and -shm files there; fix the permissions or choose a "
                  + "writable directory";
          case CANTOPEN ->
              "SQLite cannot open the file: check that its directory exists and is " + "writable";
          case FULL -> "the disk is full: free space; nothing of the failed change was written";
          case IOERR ->
              "an I/O error occurred (disk, permissions, network file system?): check the "
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
