package dev.jobqueue.sql.internal;

import dev.jobqueue.StoreException;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The caller's side of a change handed to a store's writer thread. */
public final class Writes {
  private Writes() {}

  /**
   * Waits for the commit without giving up on interrupt (the change happens either way) and
   * rethrows the writer's failure with this caller's stack: the exceptions the storage SPI promises
   * as they are, anything else as a {@link StoreException} naming {@code store}.
   */
  public static <T> T await(CompletableFuture<T> f, String store) {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof DuplicateJobException d) {
        throw d;
      }
      if (cause instanceof UniqueKeyConflictException u) {
        throw new UniqueKeyConflictException(u);
      }
      if (cause instanceof StoreException s) {
        throw new StoreException(s.getMessage(), s);
      }
      if (cause instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException(iae.getMessage(), iae);
      }
      if (cause instanceof IllegalStateException ise) {
        throw new IllegalStateException(ise.getMessage(), ise);
      }
      throw new StoreException(store + ": a change failed: " + cause, cause);
    }
  }
}
