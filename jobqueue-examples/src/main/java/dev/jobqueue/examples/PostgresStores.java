package dev.jobqueue.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.jobqueue.postgres.PostgresJobStore;
import dev.jobqueue.spi.JobStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens the PostgreSQL store on a HikariCP pool. The store never closes the pool it is given (it
 * belongs to the host), so the pool is kept here and closed after the store.
 */
final class PostgresStores {
  private static final Map<JobStore, HikariDataSource> POOLS = new ConcurrentHashMap<>();

  private PostgresStores() {}

  static JobStore open(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("jobqueue-example");
    // the store holds two connections (writer, change feed); the rest serve reads
    config.setMaximumPoolSize(8);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      PostgresJobStore store = PostgresJobStore.builder(pool).build();
      POOLS.put(store, pool);
      return store;
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  static void closePool(JobStore store) {
    HikariDataSource pool = POOLS.remove(store);
    if (pool != null) {
      pool.close();
    }
  }
}
