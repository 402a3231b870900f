package dev.jobqueue.postgres.internal;

import dev.jobqueue.StoreException;
import dev.jobqueue.sql.internal.MigrationFiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: SQL resources {@code db/postgres/V<n>__<description>.sql}, applied
 * in order in one transaction (PostgreSQL's DDL is transactional: all or nothing) and recorded in
 * {@code <prefix>schema_version}. The transaction first takes an advisory lock named after the
 * schema and prefix, so instances starting at once migrate one after the other: the first applies
 * the migrations, the others find them applied. A schema newer than this code is refused before
 * anything is written.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The migrations this version knows, in order. Add new files at the end; never edit old ones. */
  static final List<String> FILES =
      List.of(
          "V1__create_jobs.sql",
          "V2__events.sql",
          "V3__logs_paused_types_schedules.sql",
          "V4__active_by_type_lean_events.sql",
          "V5__one_index_for_active_jobs.sql");

  /** One migration: its version, description and SQL. */
  record Migration(int version, String description, String sql) {}

  private Migrations() {}

  /** The highest schema version this code knows. */
  public static int latestVersion() {
    return FILES.size();
  }

  /** Loads and checks the migrations named by {@code files} (tests pass their own list). */
  static List<Migration> load(List<String> files) {
    return MigrationFiles.load(files, Migrations.class, "/db/postgres/", Migration::new);
  }

  /**
   * Brings the schema up to date.
   *
   * @return how many migrations this call applied (0 when another instance already did)
   */
  public static int migrate(Connection c, String schema, String prefix) throws SQLException {
    return migrate(c, schema, prefix, load(FILES));
  }

  static int migrate(Connection c, String schema, String prefix, List<Migration> migrations)
      throws SQLException {
    String t = schema + "." + prefix;
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      // the lock is released with the transaction, also when this instance dies half way
      try (PreparedStatement lock =
          c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, "jobqueue migrations " + t);
        lock.executeQuery().close();
      }
      // CREATE SCHEMA IF NOT EXISTS checks the CREATE right on the database even when the schema
      // exists: a user that may only use an existing schema would be refused
      try (PreparedStatement exists =
          c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
        exists.setString(1, schema);
        try (ResultSet rs = exists.executeQuery()) {
          if (!rs.next()) {
            st.execute("CREATE SCHEMA " + schema);
          }
        }
      }
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + t
              + "schema_version (version integer PRIMARY KEY, description text NOT NULL,"
              + " installed_at timestamptz NOT NULL DEFAULT now())");
      int current;
      try (ResultSet rs =
          st.executeQuery("SELECT coalesce(max(version), 0) FROM " + t + "schema_version")) {
        rs.next();
        current = rs.getInt(1);
      }
      int latest = migrations.size();
      if (current > latest) {
        throw new StoreException(
            "PostgreSQL job store "
                + t
                + "jobs has schema version "
                + current
                + ", but this jobqueue-postgres knows versions up to "
                + latest
                + ": a newer jobqueue migrated this database. Upgrade jobqueue-postgres on this"
                + " instance (or use another schema or table prefix); nothing was changed");
      }
      int applied = 0;
      for (Migration m : migrations) {
        if (m.version() <= current) {
          continue;
        }
        st.execute(m.sql().replace("${t}", t).replace("${p}", prefix));
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO " + t + "schema_version (version, description) VALUES (?, ?)")) {
          ps.setInt(1, m.version());
          ps.setString(2, m.description());
          ps.executeUpdate();
        }
        applied++;
        log.info(
            "PostgreSQL job store {}jobs: applied schema migration V{} ({})",
            t,
            m.version(),
            m.description());
      }
      c.commit();
      return applied;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }
}
