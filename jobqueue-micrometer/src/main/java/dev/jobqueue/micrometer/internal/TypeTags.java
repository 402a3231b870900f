package dev.jobqueue.micrometer.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code type} tag of each job type, capped: job types are open (the host names them), and an
 * unbounded tag would let a bug that invents types grow every registry without limit. Types seen
 * after the cap share the tag {@value #OTHER}.
 */
public final class TypeTags {
  public static final String OTHER = "other";

  private final int max;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private boolean overflowed;

  public TypeTags(int max) {
    this.max = max;
  }

  /** The tag of {@code type} without admitting it. */
  public String peek(String type) {
    return known.contains(type) ? type : OTHER;
  }

  /**
   * Admits {@code type} if there is room.
   *
   * @return true when this call admitted it (its meters are new)
   */
  public synchronized boolean admit(String type) {
    if (known.contains(type) || known.size() >= max) {
      return false;
    }
    known.add(type);
    return true;
  }

  /** True for the first type that did not fit, whose {@value #OTHER} meters are then new. */
  public synchronized boolean firstOverflow() {
    if (overflowed) {
      return false;
    }
    overflowed = true;
    return true;
  }

  public Set<String> known() {
    return Set.copyOf(known);
  }
}
