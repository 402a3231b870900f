package dev.jobqueue.sqlite;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * A SQLite {@link DataSource} whose {@code COMMIT}s can be held open: between {@link #hold()} and
 * {@link #release()} the store's writer stops inside its next commit, so the futures of that batch
 * cannot complete yet. Makes "the write has not finished" certain instead of likely.
 */
final class HoldingDataSource implements DataSource {
  private final SQLiteDataSource target = new SQLiteDataSource();
  private volatile CountDownLatch gate;
  private final CountDownLatch entered = new CountDownLatch(1);

  HoldingDataSource(Path file) {
    target.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
  }

  /** The next commit waits for {@link #release()}. */
  void hold() {
    gate = new CountDownLatch(1);
  }

  /** Lets the held commit (and every later one) go. */
  void release() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  /** Waits until a commit is being held. */
  boolean awaitHeld(long seconds) throws InterruptedException {
    return entered.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = target.getConnection();
    return proxy(
        Connection.class,
        c,
        (m, args) -> {
          Object out = m.invoke(c, args);
          return out instanceof Statement s && m.getName().equals("createStatement")
              ? proxy(Statement.class, s, (sm, sargs) -> statement(s, sm, sargs))
              : out;
        });
  }

  private Object statement(Statement s, Method m, Object[] args) throws Exception {
    CountDownLatch g = gate;
    if (g != null
        && m.getName().startsWith("execute")
        && args != null
        && "COMMIT".equalsIgnoreCase(String.valueOf(args[0]).trim())) {
      entered.countDown();
      g.await();
    }
    return m.invoke(s, args);
  }

  private interface Call {
    Object call(Method m, Object[] args) throws Exception;
  }

  private static <T> T proxy(Class<T> type, T target, Call call) {
    InvocationHandler h =
        (p, m, args) -> {
          try {
            return call.call(m, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return type.cast(
        Proxy.newProxyInstance(HoldingDataSource.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger("dev.jobqueue.sqlite");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }
}
