package dev.jobqueue.postgres;

import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server of the tests, at {@code JOBQUEUE_PG_URL} (default a local server, database
 * {@code test}, user postgres). Each test class works in a schema of its own, dropped and made
 * afresh. Tests are skipped with a message when the server is unreachable, unless {@code
 * jobqueue.requireServices=true} (set by CI), where they fail.
 */
public final class PgTestDb {
  public static final String URL =
      System.getenv()
          .getOrDefault("JOBQUEUE_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  private PgTestDb() {}

  /** Skips (or fails under requireServices) unless the server answers. */
  public static void require() {
    try (Connection c = DriverManager.getConnection(URL)) {
      c.isValid(2);
    } catch (SQLException e) {
      String message =
          "PostgreSQL tests need a server at "
              + URL
              + " (set JOBQUEUE_PG_URL), but connecting failed: "
              + e.getMessage().replaceAll("\\.+$", "")
              + ".";
      if (Boolean.getBoolean("jobqueue.requireServices")) {
        fail(message + " Failing because jobqueue.requireServices=true.");
      }
      Assumptions.abort(message + " Skipping.");
    }
  }

  /** Drops and re-creates the schema named after {@code testClass}; returns its name. */
  public static String freshSchema(Class<?> testClass) {
    // per test JVM: two builds at once on one database (two CI runs, a developer's and CI's) must
    // not share tables, or each would see the other's jobs
    String prefix = "jq_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_";
    String schema = prefix + ProcessHandle.current().pid();
    try (Connection c = DriverManager.getConnection(URL);
        Statement st = c.createStatement()) {
      dropSchemasOfEndedRuns(st, prefix);
      st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot make schema " + schema + ": " + e.getMessage(), e);
    }
    return schema;
  }

  /** Schemas this test class left in runs whose JVM has ended (the server is on this machine). */
  private static void dropSchemasOfEndedRuns(Statement st, String prefix) throws SQLException {
    java.util.List<String> stale = new java.util.ArrayList<>();
    try (java.sql.ResultSet rs =
        st.executeQuery(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, '" + prefix + "')")) {
      while (rs.next()) {
        String name = rs.getString(1);
        String pid = name.substring(prefix.length());
        if (pid.matches("[0-9]+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
          stale.add(name);
        }
      }
    }
    for (String name : stale) {
      st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
  }

  /** Runs one statement on a connection of its own. */
  public static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(URL);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** A small pool, as a host would pass. */
  public static HikariDataSource pool(int size) {
    return pool(size, null);
  }

  /** A small pool whose connections first run {@code initSql} (or nothing when null). */
  public static HikariDataSource pool(int size, String initSql) {
    HikariConfig config = new HikariConfig();
    config.setConnectionInitSql(initSql);
    config.setJdbcUrl(URL);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(1);
    config.setPoolName("jobqueue-test-" + size);
    return new HikariDataSource(config);
  }
}
