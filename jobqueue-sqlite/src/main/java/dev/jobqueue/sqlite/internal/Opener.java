package dev.jobqueue.sqlite.internal;

import dev.jobqueue.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a database safely: every check that can fail runs before anything is written, so a wrong
 * path, a foreign file or a newer schema leaves the file exactly as it was.
 */
final class Opener {
  private Opener() {}

  /** Where the database lives, as used in messages. */
  static String describe(SqliteConfig config) {
    if (config.file() != null) {
      return config.file().toAbsolutePath().normalize().toString();
    }
    try (Connection c = config.dataSource().getConnection()) {
      return c.getMetaData().getURL();
    } catch (SQLException e) {
      return "(DataSource " + config.dataSource() + ")";
    }
  }

  /** Checks the directory, then takes the store's lock file: one store per database file. */
  static FileChannel lockFile(SqliteConfig config) {
    Path file = config.file().toAbsolutePath().normalize();
    Path dir = file.getParent();
    if (!Files.isDirectory(dir)) {
      if (Files.exists(dir)) {
        throw new StoreException(
            "SQLite job store "
                + file
                + ": "
                + dir
                + " is not a directory: "
                + "choose a path inside a directory");
      }
      if (!config.createDirectories()) {
        throw new StoreException(
            "SQLite job store "
                + file
                + ": the directory "
                + dir
                + " does not "
                + "exist: create it first, choose another path, or set createDirectories(true)");
      }
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new StoreException(
            "SQLite job store "
                + file
                + ": cannot create the directory "
                + dir
                + " ("
                + e
                + "): create it yourself or choose another path",
            e);
      }
    }
    if (Files.isDirectory(file)) {
      throw new StoreException(
          "SQLite job store "
              + file
              + " is a directory, not a database file: "
              + "choose a file path");
    }
    for (Path p : new Path[] {file, file.resolveSibling(file.getFileName() + "-wal")}) {
      // SQLite would open it read-only without a word, and fail the first change instead
      if (Files.exists(p) && !Files.isWritable(p)) {
        throw new StoreException(
            "SQLite job store "
                + file
                + ": read-only: "
                + p
                + " cannot be written (permissions, or an immutable attribute?): make it "
                + "writable, or copy the database to a writable place; it was not changed");
      }
    }
    Path lockPath = lockPath(file);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (FileSystemException e) { // AccessDeniedException, or EPERM/EROFS as a plain one
      throw readOnly(file, dir, e);
    } catch (IOException e) {
      throw new StoreException(
          "SQLite job store " + file + ": cannot create the lock file " + lockPath + " (" + e + ")",
          e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw inUse(file);
      }
      return channel;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw inUse(file);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StoreException(
          "SQLite job store " + file + ": cannot lock " + lockPath + " (" + e + ")", e);
    } catch (StoreException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  static Path lockPath(Path file) {
    return file.resolveSibling(file.getFileName() + ".lock");
  }

  private static StoreException readOnly(Path file, Path dir, IOException e) {
    return new StoreException(
        "SQLite job store "
            + file
            + ": the directory "
            + dir
            + " is not "
            + "writable ("
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + "). SQLite must "
            + "create the database and its -wal, -shm and .lock files there: make the directory "
            + "writable or choose another one",
        e);
  }

  private static StoreException inUse(Path file) {
    return new StoreException(
        "SQLite job store "
            + file
            + " is already open in another job store "
            + "(this or another process): one store per file, because jobs found running at start-up "
            + "are recovered as interrupted. Close the other store, or give each application its own file");
  }

  /**
   * Opens the writer connection, refuses newer or foreign files, switches to WAL and migrates.
   * Closes the connection when anything fails.
   */
  static Connection openWriter(SqliteConfig config, Faults faults) {
    Connection c = connect(config, faults);
    try {
      pragma(c, "PRAGMA busy_timeout = " + config.busyTimeout().toMillis());
      noGeneratedKeys(c);
      // read-only checks first: a foreign or newer file must not be touched
      int version = Migrations.currentVersion(c, faults);
      Migrations.checkNotNewer(version, faults);
      String mode = query(c, "PRAGMA journal_mode = WAL");
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new StoreException(
            "SQLite job store "
                + faults.file()
                + ": cannot switch to WAL mode "
                + "(journal_mode is "
                + mode
                + "); network file systems do not support it: use a local disk");
      }
      pragma(c, "PRAGMA synchronous = " + (config.durable() ? "FULL" : "NORMAL"));
      // 32 MB of page cache (default 2 MB): the writer touches up to nine indexes per change
      pragma(c, "PRAGMA cache_size = -32768");
      // statement journals and temporary sort trees in memory, not in temporary files
      pragma(c, "PRAGMA temp_store = MEMORY");
      if (version < Migrations.latestVersion()) {
        Migrations.migrate(c, faults);
      } else {
        // prove now that we can write, rather than failing the first change after the busy timeout
        try (Statement st = c.createStatement()) {
          st.execute("BEGIN IMMEDIATE");
          st.execute("ROLLBACK");
        }
      }
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw faults.of("opening", e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Opens {@code n} read connections (query_only, so a bug here can never write). */
  static List<Connection> openReaders(SqliteConfig config, Faults faults, int n) {
    List<Connection> out = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Connection c = connect(config, faults);
        out.add(c);
        pragma(c, "PRAGMA busy_timeout = " + config.busyTimeout().toMillis());
        pragma(c, "PRAGMA query_only = 1");
        pragma(c, "PRAGMA cache_size = -8192");
      }
      return out;
    } catch (SQLException e) {
      out.forEach(Opener::closeQuietly);
      throw faults.of("opening a read connection", e);
    } catch (RuntimeException e) {
      out.forEach(Opener::closeQuietly);
      throw e;
    }
  }

  /**
   * The store never asks for generated keys, but sqlite-jdbc by default answers the question in
   * advance after every INSERT: it prepares, runs and finalizes {@code SELECT last_insert_rowid()}
   * each time, which on the writer costs about as much as the insert's own binding. Turned off also
   * for a {@code DataSource}'s connection: the writer keeps it to itself until close.
   */
  private static void noGeneratedKeys(Connection c) throws SQLException {
    if (c.isWrapperFor(org.sqlite.SQLiteConnection.class)) {
      c.unwrap(org.sqlite.SQLiteConnection.class).getConnectionConfig().setGetGeneratedKeys(false);
    }
  }

  private static Connection connect(SqliteConfig config, Faults faults) {
    try {
      if (config.dataSource() != null) {
        return config.dataSource().getConnection();
      }
      // NOMUTEX: a connection is only ever used by one thread at a time (the writer's by the
      // writer thread, a reader by the thread that borrowed it), so SQLite's own per-call mutex
      // is pure cost
      org.sqlite.SQLiteConfig sqlite = new org.sqlite.SQLiteConfig();
      sqlite.setOpenMode(org.sqlite.SQLiteOpenMode.NOMUTEX);
      return DriverManager.getConnection(
          "jdbc:sqlite:" + config.file().toAbsolutePath().normalize(), sqlite.toProperties());
    } catch (SQLException e) {
      throw faults.of("connecting", e);
    }
  }

  private static void pragma(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static String query(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      ReadPool.closeQuietly(c);
    }
  }
}
