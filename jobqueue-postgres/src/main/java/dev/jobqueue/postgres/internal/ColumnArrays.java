package dev.jobqueue.postgres.internal;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;

/**
 * Many rows bound as one array per column, for a statement that writes them all at once from {@code
 * unnest(?, ?, ...)}. PostgreSQL pays a large fixed cost per statement execution on the jobs table
 * (its plan's projections of some forty columns, and opening and locking every index); one
 * statement for a batch of a hundred rows costs a fraction of a hundred single-row ones.
 *
 * <p>Rows are bound through {@link #row}, a {@link PreparedStatement} that records its {@code
 * setXxx} calls, so that the column order and every value's conversion stay in the one binding code
 * that single-row statements use as well ({@code JobRows}).
 */
final class ColumnArrays {
  private final Object[][] values;
  private final Class<?>[] javaTypes;
  private final String[] sqlTypes;
  private final PreparedStatement recorder;
  private int row;

  ColumnArrays(int columns, int rows) {
    values = new Object[columns][rows];
    javaTypes = new Class<?>[columns];
    sqlTypes = new String[columns];
    recorder =
        (PreparedStatement)
            Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                  record(method.getName(), (Integer) args[0] - 1, args[1]);
                  return null;
                });
  }

  /** A statement that records what is bound (parameters from 1) as row {@code r}. */
  PreparedStatement row(int r) {
    row = r;
    return recorder;
  }

  /** Binds every column as an array from parameter {@code first}; returns the next index. */
  int bind(Connection c, PreparedStatement ps, int first) throws SQLException {
    for (int k = 0; k < values.length; k++) {
      Object typed = Arrays.copyOf(values[k], values[k].length, arrayClass(k));
      ps.setArray(first + k, c.createArrayOf(sqlTypes[k], (Object[]) typed));
    }
    return first + values.length;
  }

  private Class<? extends Object[]> arrayClass(int k) {
    if (javaTypes[k] == null) {
      throw new IllegalStateException("column " + (k + 1) + " was never bound");
    }
    return javaTypes[k].arrayType().asSubclass(Object[].class);
  }

  private void record(String setter, int column, Object value) {
    switch (setter) {
      case "setString" -> type(column, String.class, "text");
      case "setLong" -> type(column, Long.class, "int8");
      case "setInt" -> type(column, Integer.class, "int4");
      case "setDouble" -> type(column, Double.class, "float8");
      case "setBoolean" -> type(column, Boolean.class, "bool");
      case "setNull" -> {
        int sqlType = (Integer) value;
        value = null;
        switch (sqlType) {
          case Types.BIGINT -> type(column, Long.class, "int8");
          case Types.INTEGER -> type(column, Integer.class, "int4");
          case Types.DOUBLE -> type(column, Double.class, "float8");
          case Types.VARCHAR -> type(column, String.class, "text");
          default -> throw new IllegalArgumentException("no array for SQL type " + sqlType);
        }
      }
      default -> throw new UnsupportedOperationException(setter + " in a batch of rows");
    }
    values[column][row] = value;
  }

  private void type(int column, Class<?> javaType, String sqlType) {
    if (javaTypes[column] == null) {
      javaTypes[column] = javaType;
      sqlTypes[column] = sqlType;
    } else if (javaTypes[column] != javaType) {
      throw new IllegalStateException(
          "column " + (column + 1) + " bound as " + javaTypes[column] + " and " + javaType);
    }
  }
}
