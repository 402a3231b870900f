package dev.jobqueue.examples;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Reads values from a job's JSON-like input (numbers may come back as any Number type). */
public final class Inputs {
  private Inputs() {}

  public static String text(Map<String, Object> input, String key) {
    Object v = input.get(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("job input '" + key + "' is missing or not a string");
    }
    return s;
  }

  public static int integer(Map<String, Object> input, String key, int dflt) {
    return input.get(key) instanceof Number n ? n.intValue() : dflt;
  }

  public static boolean bool(Map<String, Object> input, String key) {
    return Boolean.TRUE.equals(input.get(key));
  }

  public static Duration millis(Map<String, Object> input, String key) {
    return Duration.ofMillis(Math.max(0, integer(input, key, 0)));
  }

  public static List<String> strings(Map<String, Object> input, String key) {
    if (!(input.get(key) instanceof List<?> list)) {
      throw new IllegalArgumentException("job input '" + key + "' is missing or not a list");
    }
    return list.stream().map(String::valueOf).toList();
  }
}
