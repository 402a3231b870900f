package dev.jobqueue.sql.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Where a unit of work gets its statements: the SQLite store's cached ones, or statements of a
 * pooled PostgreSQL connection closed when the work ends. Callers do not close them.
 */
@FunctionalInterface
public interface Statements {
  PreparedStatement prepare(String sql) throws SQLException;
}
