package dev.jobqueue.sqlite.internal;

import dev.jobqueue.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Notices when the database file is deleted, moved or replaced while the store has it open. SQLite
 * itself does not: its open descriptors still point at the old file, so in WAL mode every commit
 * would "succeed" into a file that no longer has a name, and be gone at the next start. The writer
 * asks before each transaction (one stat per batch) and refuses to write until the file is back.
 */
final class FileWatch {
  /** For a DataSource: no file of ours to watch. */
  static final FileWatch NONE = new FileWatch(null, null, null);

  private final Path file;
  private final Object key;
  private final Faults faults;

  private FileWatch(Path file, Object key, Faults faults) {
    this.file = file;
    this.key = key;
    this.faults = faults;
  }

  /** Watches {@code file} as it is now (just opened). */
  static FileWatch of(Path file, Faults faults) {
    Path abs = file.toAbsolutePath().normalize();
    return new FileWatch(abs, identity(abs), faults);
  }

  /** Null while the file is the one opened; otherwise the failure for the changes waiting. */
  StoreException check() {
    if (file == null) {
      return null;
    }
    Object now;
    try {
      now = identity(file);
    } catch (StoreException e) {
      now = null;
    }
    if (now == null) {
      return failure("was deleted or moved away while the store had it open");
    }
    if (key != null && !Objects.equals(key, now)) {
      return failure("was replaced by another file while the store had it open");
    }
    return null;
  }

  private StoreException failure(String what) {
    return new StoreException(
        "SQLite job store "
            + faults.file()
            + ": writing failed: the database file "
            + what
            + ": nothing is written until it is back (restore or move it back to "
            + file
            + "); reads still answer from the file as opened, and this change was not written");
  }

  /** The file's identity (device and inode where the platform has them), or null when missing. */
  private static Object identity(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      Object key = a.fileKey();
      return key != null ? key : Boolean.TRUE;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new StoreException("cannot read the attributes of " + file + ": " + e, e);
    }
  }
}
