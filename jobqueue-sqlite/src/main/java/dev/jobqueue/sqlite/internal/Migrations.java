package dev.jobqueue.sqlite.internal;

import dev.jobqueue.StoreException;
import dev.jobqueue.sql.internal.MigrationFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned, ordered schema migrations: SQL resources {@code db/sqlite/V<n>__<description>.sql},
 * applied in order inside one transaction and recorded in {@code jobqueue_schema}. A file made by
 * an older version is brought up to date; a file from a newer version is refused before anything is
 * written.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The migrations this version knows, in order. Add new files at the end; never edit old ones. */
  static final List<String> FILES =
      List.of(
          "V1__create_jobs.sql",
          "V2__drop_lease_index.sql",
          "V3__finished_index_without_in.sql",
          "V4__job_timeout.sql",
          "V5__job_logs_and_paused_types.sql",
          "V6__scheduling.sql");

  /** One migration: its version, description and SQL statements. */
  record Migration(int version, String description, String sql) {}

  private Migrations() {}

  /** The highest schema version this code knows. */
  public static int latestVersion() {
    return FILES.size();
  }

  /** Loads and checks the migrations named by {@code files} (tests pass their own list). */
  static List<Migration> load(List<String> files) {
    return MigrationFiles.load(files, Migrations.class, "/db/sqlite/", Migration::new);
  }

  /**
   * The schema version recorded in the database: 0 for an empty database. Only reads, so it is safe
   * to call on a file that turns out to be newer or foreign.
   *
   * @throws StoreException when the database holds a {@code jobs} table that jobqueue did not make
   */
  public static int currentVersion(Connection c, Faults faults) throws SQLException {
    boolean hasSchemaTable = false;
    boolean hasJobs = false;
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('jobqueue_schema', 'jobs')")) {
      while (rs.next()) {
        hasSchemaTable |= rs.getString(1).equals("jobqueue_schema");
        hasJobs |= rs.getString(1).equals("jobs");
      }
    }
    if (!hasSchemaTable) {
      if (hasJobs) {
        throw new StoreException(
            "SQLite job store "
                + faults.file()
                + ": the database has a 'jobs' "
                + "table but no jobqueue_schema table, so it was not made by jobqueue: choose another file");
      }
      return 0;
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM jobqueue_schema")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Refuses a database whose schema is newer than this code. */
  public static void checkNotNewer(int current, Faults faults) {
    checkNotNewer(current, latestVersion(), faults);
  }

  private static void checkNotNewer(int current, int latest, Faults faults) {
    if (current > latest) {
      throw new StoreException(
          "SQLite job store "
              + faults.file()
              + " has schema version "
              + current
              + ", but this jobqueue-sqlite knows versions up to "
              + latest
              + ": it was written by a "
              + "newer jobqueue. Upgrade jobqueue-sqlite, or point this application at another file; the "
              + "file was not changed");
    }
  }

  /**
   * Applies every migration above {@code current} in one transaction (all or nothing). The caller
   * has set the busy timeout; the transaction is IMMEDIATE so a concurrent opener waits instead of
   * failing half way.
   *
   * @return the version now recorded
   */
  public static int migrate(Connection c, Faults faults) throws SQLException {
    return migrate(c, faults, load(FILES));
  }

  static int migrate(Connection c, Faults faults, List<Migration> migrations) throws SQLException {
    int latest = migrations.get(migrations.size() - 1).version();
    try (Statement st = c.createStatement()) {
      st.execute("BEGIN IMMEDIATE");
      try {
        st.execute(
            "CREATE TABLE IF NOT EXISTS jobqueue_schema (version INTEGER PRIMARY KEY,"
                + " description TEXT NOT NULL, installed_at TEXT NOT NULL)");
        // read again under the write lock: another process may have migrated meanwhile
        int current = currentVersion(c, faults);
        checkNotNewer(current, latest, faults);
        for (Migration m : migrations) {
          if (m.version() <= current) {
            continue;
          }
          for (String sql : statements(m.sql())) {
            st.execute(sql);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO jobqueue_schema (version, description, installed_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setString(3, Instant.now().toString());
            ps.executeUpdate();
          }
          log.info(
              "SQLite job store {}: applied schema migration V{} ({})",
              faults.file(),
              m.version(),
              m.description());
        }
        st.execute("COMMIT");
        return latest;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(st);
        throw e;
      }
    }
  }

  private static void rollbackQuietly(Statement st) {
    try {
      st.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // nothing to roll back: the transaction never started or SQLite already rolled it back
    }
  }

  /**
   * Splits a migration into statements at semicolons that end a line, keeping trigger bodies (BEGIN
   * ... END;) whole. Comment lines are dropped.
   */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inTrigger = false;
    for (String line : sql.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("--")) {
        continue;
      }
      cur.append(line).append('\n');
      String upper = t.toUpperCase(java.util.Locale.ROOT);
      if (upper.startsWith("CREATE TRIGGER")) {
        inTrigger = true;
      }
      boolean ends = inTrigger ? upper.equals("END;") : t.endsWith(";");
      if (ends) {
        out.add(cur.toString().strip());
        cur.setLength(0);
        inTrigger = false;
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().strip());
    }
    return out;
  }
}
