package dev.jobqueue.sqlite.internal;

import java.util.Map;

/**
 * The JSON text of job inputs written lately, by the identity of the input map. A job's input never
 * changes after submit and {@code Job} keeps the same frozen (immutable) map from version to
 * version, so every status change and progress flush of a job would otherwise encode the same map
 * again with Jackson. Direct-mapped and bounded: a slot holds the last input that hashed to it, and
 * only small inputs are kept, so the cache holds at most a few megabytes.
 */
final class InputJson {
  private InputJson() {}

  private static final int SLOTS = 256;

  /** Longer texts are encoded each time: cheap next to their write, and not worth holding. */
  private static final int MAX_CHARS = 4096;

  /** Immutable, so a slot read by another thread is either null or a complete entry. */
  private record Entry(Map<String, Object> input, String json) {}

  private static final Entry[] slots = new Entry[SLOTS];

  /** The JSON of {@code input}, a {@code Job.input()} (immutable). */
  static String of(Map<String, Object> input) {
    if (input.isEmpty()) {
      return "{}";
    }
    int slot = System.identityHashCode(input) & (SLOTS - 1);
    Entry e = slots[slot];
    if (e != null && e.input() == input) {
      return e.json();
    }
    String json = JobCodec.json(input);
    if (json.length() <= MAX_CHARS) {
      slots[slot] = new Entry(input, json);
    }
    return json;
  }
}
