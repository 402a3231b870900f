package dev.jobqueue.spring.boot;

import static dev.jobqueue.spring.boot.JobQueueAutoConfigurationTest.ALL;
import static dev.jobqueue.spring.boot.JobQueueAutoConfigurationTest.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.postgres.PgTestDb;
import dev.jobqueue.postgres.PostgresJobStore;
import dev.jobqueue.spi.JobStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code jobqueue.store.type=postgres} builds a {@link PostgresJobStore} on the application's
 * DataSource, against the real server of the PostgreSQL tests (skipped without one, failing under
 * {@code -Djobqueue.requireServices=true}).
 */
class PostgresStoreTest {
  private static HikariDataSource pool;
  private static String schema;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(ALL)
          .withBean(DataSource.class, PostgresStoreTest::unclosable)
          .withPropertyValues(
              "jobqueue.store.type=postgres", "jobqueue.store.postgres.schema=" + schema);

  @BeforeAll
  static void server() {
    PgTestDb.require();
    schema = PgTestDb.freshSchema(PostgresStoreTest.class);
    pool = PgTestDb.pool(6);
  }

  @AfterAll
  static void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void theStoreUsesTheApplicationsDataSourceAndRunsJobs() {
    runner
        .withUserConfiguration(Handlers.Two.class)
        .withPropertyValues(
            "jobqueue.store.postgres.table-prefix=app_",
            "jobqueue.store.postgres.notifications=false",
            "jobqueue.store.postgres.poll-interval=200ms")
        .run(
            ctx -> {
              assertThat(ctx.getBean(JobStore.class)).isInstanceOf(PostgresJobStore.class);
              assertThat(((PostgresJobStore) ctx.getBean(JobStore.class)).table())
                  .isEqualTo(schema + ".app_jobs");
              JobQueue queue = ctx.getBean(JobQueue.class);
              Job job = queue.submit(JobRequest.builder("analyze", "a").build());
              assertThat(queue.await(job.id(), WAIT).status()).isEqualTo(JobStatus.COMPLETED);
              assertThat(statusInTable("app_jobs", job.id())).isEqualTo("completed");
            });
  }

  @Test
  void withoutADataSourceTheContextSaysWhatIsMissing() {
    new ApplicationContextRunner()
        .withConfiguration(ALL)
        .withPropertyValues("jobqueue.store.type=postgres")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .hasMessageContaining("jobQueuePostgresStore")
                    .hasMessageContaining("javax.sql.DataSource"));
  }

  @Test
  void withoutTheModuleSaysWhatToAdd() {
    runner
        .withClassLoader(new FilteredClassLoader("dev.jobqueue.postgres"))
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("needs dev.jobqueue:jobqueue-postgres on the classpath"));
  }

  /** The pool as a DataSource only: Spring closes AutoCloseable beans, and it serves every test. */
  private static DataSource unclosable() {
    return (DataSource)
        Proxy.newProxyInstance(
            DataSource.class.getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              try {
                return method.invoke(pool, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static String statusInTable(String table, String id) throws Exception {
    try (Connection c = pool.getConnection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT status FROM " + schema + "." + table + " WHERE id = '" + id + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
