package dev.jobqueue.benchmarks.peers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A fresh schema in the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth, database
 * {@code test}) with a default HikariCP pool whose connections use it; {@link #close()} drops it,
 * so no run sees another run's tables.
 */
final class PostgresSchema implements AutoCloseable {
  static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final HikariDataSource pool;

  private PostgresSchema(String name, HikariDataSource pool) {
    this.name = name;
    this.pool = pool;
  }

  /** Null when the server answers, else why not (the runner prints it and skips those rows). */
  static String unreachableReason() {
    try (Connection c = connect()) {
      return c.isValid(3) ? null : "connection not valid";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  static PostgresSchema create() throws SQLException {
    String name = "peers_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      s.execute("CREATE SCHEMA " + name);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(URL + "?currentSchema=" + name);
    config.setUsername("postgres");
    config.setPoolName(name);
    return new PostgresSchema(name, new HikariDataSource(config));
  }

  String name() {
    return name;
  }

  DataSource dataSource() {
    return pool;
  }

  void execute(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** {@code VACUUM (ANALYZE)} of every table in the schema, as autovacuum would. */
  void vacuum() throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = '" + name + "'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        s.execute("VACUUM (ANALYZE) " + name + "." + table);
      }
    }
  }

  /** Closes the pool and drops the schema; a failure is unchecked (the run goes on). */
  @Override
  public void close() {
    pool.close();
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop schema " + name + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("connectTimeout", "3");
    return DriverManager.getConnection(URL, props);
  }
}
