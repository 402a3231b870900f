package dev.jobqueue.examples;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import java.nio.file.Path;

/**
 * Turns {@code --store} values into job stores: {@code memory}, {@code sqlite:PATH} or {@code
 * postgres:JDBC_URL}.
 */
public final class StoreSpec {
  private StoreSpec() {}

  /** Checks the syntax of {@code spec}; throws naming the accepted forms. */
  public static void check(String spec) {
    if (spec == null
        || !(spec.equals("memory")
            || (spec.startsWith("sqlite:") && spec.length() > 7)
            || spec.startsWith("postgres:jdbc:postgresql:"))) {
      throw new IllegalArgumentException(
          "--store must be 'postgres:JDBC_URL' (for example"
              + " postgres:jdbc:postgresql://localhost:5432/app?user=app), 'memory' or"
              + " 'sqlite:PATH', got '"
              + spec
              + "'");
    }
  }

  /** Opens the store; the caller closes it with {@link #close} after the queue. */
  public static JobStore open(String spec) throws Exception {
    check(spec);
    if (spec.equals("memory")) {
      return new InMemoryJobStore();
    }
    if (spec.startsWith("postgres:")) {
      return PostgresStores.open(spec.substring("postgres:".length()));
    }
    return SqliteStores.open(Path.of(spec.substring("sqlite:".length())));
  }

  /** Closes a store made by {@link #open}, and the connection pool it was given. */
  public static void close(JobStore store) {
    try {
      store.close();
    } finally {
      PostgresStores.closePool(store);
    }
  }
}
