package dev.jobqueue.internal;

import dev.jobqueue.RateLimit;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which job types may start now, given per-type concurrency and rate limits. Without limits the
 * answer is the constant set of handled types and no lock is taken; with limits, callers hold the
 * claim lock around {@link #eligible}, the claim and {@link #started}, so limits can't be overshot
 * by racing workers.
 */
final class Admission {
  private final Set<String> allTypes;
  private final Map<String, Integer> concurrency;
  private final Map<String, RateLimit> rateLimits;
  private final boolean limited;
  private final ConcurrentHashMap<String, AtomicInteger> running = new ConcurrentHashMap<>();

  /** Start times (epoch millis) inside the current window, per rate-limited type. */
  private final Map<String, ArrayDeque<Long>> starts = new HashMap<>();

  private final PausedTypes paused;

  Admission(
      Set<String> allTypes,
      Map<String, Integer> concurrency,
      Map<String, RateLimit> rateLimits,
      PausedTypes paused) {
    this.allTypes = Set.copyOf(allTypes);
    this.paused = paused;
    this.concurrency = concurrency;
    this.rateLimits = rateLimits;
    this.limited = !concurrency.isEmpty() || !rateLimits.isEmpty();
    for (String t : allTypes) {
      running.put(t, new AtomicInteger());
    }
    for (String t : rateLimits.keySet()) {
      starts.put(t, new ArrayDeque<>());
    }
  }

  boolean limited() {
    return limited;
  }

  /** The concurrency limits of {@code types}, for a shared store to hold across instances. */
  Map<String, Integer> concurrencyLimits(Set<String> types) {
    if (concurrency.isEmpty()) {
      return Map.of();
    }
    Map<String, Integer> out = new HashMap<>();
    for (String t : types) {
      Integer n = concurrency.get(t);
      if (n != null) {
        out.put(t, n);
      }
    }
    return out;
  }

  /**
   * The types that may start a job now, paused ones left out; call with the claim lock held when
   * {@link #limited()}.
   */
  Set<String> eligible(Instant now) {
    if (!limited()) {
      return paused.without(allTypes);
    }
    Set<String> out = new HashSet<>(paused.without(allTypes));
    for (Map.Entry<String, Integer> c : concurrency.entrySet()) {
      if (running.get(c.getKey()).get() >= c.getValue()) {
        out.remove(c.getKey());
      }
    }
    long nowMs = now.toEpochMilli();
    for (Map.Entry<String, RateLimit> r : rateLimits.entrySet()) {
      ArrayDeque<Long> window = starts.get(r.getKey());
      long periodMs = r.getValue().period().toMillis();
      while (!window.isEmpty() && window.peekFirst() <= nowMs - periodMs) {
        window.pollFirst();
      }
      if (window.size() >= r.getValue().permits()) {
        out.remove(r.getKey());
      }
    }
    return out;
  }

  /** Milliseconds until a rate-limited type gets a permit again, or -1 when none is waiting. */
  long millisUntilPermit(Instant now) {
    long best = -1;
    long nowMs = now.toEpochMilli();
    for (Map.Entry<String, RateLimit> r : rateLimits.entrySet()) {
      ArrayDeque<Long> window = starts.get(r.getKey());
      if (window.size() >= r.getValue().permits()) {
        long wait = Math.max(1, window.peekFirst() + r.getValue().period().toMillis() - nowMs);
        best = best < 0 ? wait : Math.min(best, wait);
      }
    }
    return best;
  }

  void started(String type, Instant now) {
    if (!limited) {
      return; // nothing reads the counts: workers need not share a counter per job
    }
    running.get(type).incrementAndGet();
    ArrayDeque<Long> window = starts.get(type);
    if (window != null) {
      window.addLast(now.toEpochMilli());
    }
  }

  void finished(String type) {
    if (!limited) {
      return;
    }
    AtomicInteger n = running.get(type);
    if (n != null) {
      n.decrementAndGet();
    }
  }
}
