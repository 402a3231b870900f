package dev.jobqueue.internal;

import dev.jobqueue.spi.JobStore;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job types paused in the store, as this instance knows them: read at start, after each pause
 * or resume made here, and (on a shared store, where other instances pause too) every poll
 * interval. Workers leave these types out of every claim; reading the set is one volatile read.
 */
final class PausedTypes {
  private static final Logger log = LoggerFactory.getLogger(PausedTypes.class);
  static final int MAX_TYPE_LENGTH = 200;

  private final JobStore store;
  private final Runnable resumed;
  private final Consumer<Set<String>> pausedNow;
  private volatile Set<String> paused = Set.of();

  /**
   * @param resumed called when a type stops being paused, so idle workers look for its jobs
   * @param pausedNow called with the types that became paused, so that reserved jobs of those types
   *     are handed back before they start
   */
  PausedTypes(JobStore store, Runnable resumed, Consumer<Set<String>> pausedNow) {
    this.store = store;
    this.resumed = resumed;
    this.pausedNow = pausedNow;
  }

  /** {@code types} without the paused ones (the same set when none is paused). */
  Set<String> without(Set<String> types) {
    Set<String> p = paused;
    if (p.isEmpty()) {
      return types;
    }
    Set<String> out = new HashSet<>(types);
    out.removeAll(p);
    return out;
  }

  Set<String> current() {
    return paused;
  }

  void pause(String type) {
    store.pauseType(check(type));
    refresh();
  }

  void resume(String type) {
    store.resumeType(check(type));
    refresh();
  }

  /** Reads the store's set; wakes workers when a type was resumed. */
  void refresh() {
    Set<String> before = paused;
    Set<String> now = Set.copyOf(store.pausedTypes());
    paused = now;
    if (!before.containsAll(now)) {
      Set<String> added = new HashSet<>(now);
      added.removeAll(before);
      pausedNow.accept(added);
    }
    if (!now.containsAll(before)) {
      resumed.run();
    }
    if (!now.equals(before)) {
      log.info("paused job types: {}", now.isEmpty() ? "none" : now);
    }
  }

  /** On a shared store, re-reads the set every {@code everyMs}. */
  void schedule(ScheduledExecutorService scheduler, long everyMs) {
    try {
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              refresh();
            } catch (RuntimeException e) {
              log.warn("reading the paused job types failed; keeping {}", paused, e);
            }
          },
          everyMs,
          everyMs,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("not watching paused types: the queue is closing");
    }
  }

  private static String check(String type) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("a job type to pause or resume must not be blank");
    }
    if (type.length() > MAX_TYPE_LENGTH) {
      throw new IllegalArgumentException(
          "a job type is at most " + MAX_TYPE_LENGTH + " characters, got " + type.length());
    }
    return type;
  }
}
