package dev.jobqueue.sqlite;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Connections to one SQLite file through the store's documented {@code builder(DataSource)} option,
 * with faults the test turns on and off: a size limit ({@code PRAGMA max_page_count}, SQLite's own
 * "database or disk is full"), I/O errors at a chosen write or at COMMIT, and a gate that holds the
 * writer inside a write so that the next changes certainly queue up into one batch.
 */
final class FaultyDataSource implements DataSource {
  private final SQLiteDataSource real = new SQLiteDataSource();
  private final List<Connection> opened = new CopyOnWriteArrayList<>();

  /** Writes (executeUpdate) still to pass before the fault; negative: no fault armed. */
  private final AtomicInteger writesBeforeFault = new AtomicInteger(-1);

  private volatile boolean persistentWriteFault;
  private volatile boolean commitFault;
  private final AtomicInteger faultsThrown = new AtomicInteger();
  private volatile CountDownLatch gate;
  private volatile CountDownLatch inGate;

  FaultyDataSource(Path file) {
    real.setUrl("jdbc:sqlite:" + file.toAbsolutePath().normalize());
  }

  /** The database cannot grow: every change that needs a new page fails with SQLITE_FULL. */
  void fillUp() throws SQLException {
    for (Connection c : opened) {
      if (!c.isClosed()) {
        long pages;
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("PRAGMA page_count")) {
          rs.next();
          pages = rs.getLong(1);
        }
        maxPages(c, pages);
      }
    }
  }

  /** The database can grow by {@code pages} pages more, then no more. */
  void fillUpLeaving(long pages) throws SQLException {
    for (Connection c : opened) {
      if (!c.isClosed()) {
        long now;
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("PRAGMA page_count")) {
          rs.next();
          now = rs.getLong(1);
        }
        maxPages(c, now + pages);
      }
    }
  }

  /** Room again. */
  void makeRoom() throws SQLException {
    for (Connection c : opened) {
      if (!c.isClosed()) {
        maxPages(c, 1_073_741_823L);
      }
    }
  }

  private static void maxPages(Connection c, long pages) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA max_page_count = " + pages);
    }
  }

  /** The write after {@code n} more writes fails with SQLITE_IOERR_WRITE (then the rest pass). */
  void ioErrorAfterWrites(int n) {
    writesBeforeFault.set(n);
  }

  /** Every write fails with SQLITE_IOERR_WRITE until {@link #heal()}. */
  void ioErrorOnEveryWrite() {
    persistentWriteFault = true;
  }

  /** Every COMMIT fails with SQLITE_IOERR_FSYNC until {@link #heal()}. */
  void ioErrorOnCommit() {
    commitFault = true;
  }

  void heal() {
    persistentWriteFault = false;
    commitFault = false;
    writesBeforeFault.set(-1);
  }

  int faultsThrown() {
    return faultsThrown.get();
  }

  /** The next write waits until {@link #openGate()}; returns once it is waiting. */
  void holdNextWrite(Runnable whileOpen) throws InterruptedException {
    inGate = new CountDownLatch(1);
    gate = new CountDownLatch(1);
    whileOpen.run();
    if (!inGate.await(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the writer never reached the gate");
    }
  }

  void openGate() {
    CountDownLatch g = gate;
    gate = null;
    g.countDown();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = real.getConnection();
    opened.add(c);
    return wrap(Connection.class, c);
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return getConnection();
  }

  @SuppressWarnings("unchecked")
  private <T> T wrap(Class<T> type, T target) {
    InvocationHandler h = (proxy, m, args) -> invoke(target, m, args);
    return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h);
  }

  private Object invoke(Object target, Method m, Object[] args) throws Throwable {
    String name = m.getName();
    if (target instanceof Statement && !(target instanceof PreparedStatement)) {
      if (name.equals("execute") && args != null && "COMMIT".equals(args[0]) && commitFault) {
        throw fault(SQLiteErrorCode.SQLITE_IOERR_FSYNC);
      }
    }
    if (target instanceof PreparedStatement && name.equals("executeUpdate")) {
      CountDownLatch g = gate;
      if (g != null) {
        inGate.countDown();
        if (!g.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("the gate was never opened");
        }
      }
      if (persistentWriteFault || writesBeforeFault.getAndUpdate(n -> n < 0 ? n : n - 1) == 0) {
        throw fault(SQLiteErrorCode.SQLITE_IOERR_WRITE);
      }
    }
    Object out;
    try {
      out = m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    if (out instanceof PreparedStatement ps) {
      return wrap(PreparedStatement.class, ps);
    }
    if (out instanceof Statement st) {
      return wrap(Statement.class, st);
    }
    return out;
  }

  private SQLException fault(SQLiteErrorCode code) {
    faultsThrown.incrementAndGet();
    return new SQLiteException("[" + code.name() + "] injected: disk I/O error", code);
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
