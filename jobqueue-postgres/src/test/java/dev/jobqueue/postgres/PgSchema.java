package dev.jobqueue.postgres;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's own schema ({@link PgTestDb#freshSchema}) and a pool of connections to the test
 * server, opened before the class's own {@code @BeforeAll} methods run and closed after it. The
 * class is skipped (or fails, under {@code jobqueue.requireServices=true}) when the server is
 * unreachable.
 *
 * <pre>
 * &#64;RegisterExtension static final PgSchema db = new PgSchema(10);
 * </pre>
 */
public final class PgSchema implements BeforeAllCallback, AfterAllCallback {
  private final int poolSize;
  private String schema;
  private HikariDataSource pool;

  /** The class that opened them: {@code @Nested} classes inherit the extension and use them too. */
  private Class<?> owner;

  public PgSchema(int poolSize) {
    this.poolSize = poolSize;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    owner = context.getRequiredTestClass();
    PgTestDb.require();
    schema = PgTestDb.freshSchema(context.getRequiredTestClass());
    pool = PgTestDb.pool(poolSize);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() != owner) {
      return;
    }
    owner = null;
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }

  public String schema() {
    return schema;
  }

  public HikariDataSource pool() {
    return pool;
  }
}
