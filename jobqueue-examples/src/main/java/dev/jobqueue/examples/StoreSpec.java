package dev.jobqueue.examples;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import java.nio.file.Path;

/** Turns {@code --store} values into job stores: {@code memory} or {@code sqlite:PATH}. */
public final class StoreSpec {
  private StoreSpec() {}

  /** Checks the syntax of {@code spec}; throws naming the accepted forms. */
  public static void check(String spec) {
    if (spec == null
        || !(spec.equals("memory") || (spec.startsWith("sqlite:") && spec.length() > 7))) {
      throw new IllegalArgumentException(
          "--store must be 'memory' or 'sqlite:PATH', got '"
              + spec
              + "'"
              + (spec != null && spec.startsWith("postgres:")
                  ? " (the PostgreSQL store is not available yet)"
                  : ""));
    }
  }

  /** Opens the store; the caller closes it after the queue. */
  public static JobStore open(String spec) throws Exception {
    check(spec);
    if (spec.equals("memory")) {
      return new InMemoryJobStore();
    }
    return SqliteStores.open(Path.of(spec.substring("sqlite:".length())));
  }
}
