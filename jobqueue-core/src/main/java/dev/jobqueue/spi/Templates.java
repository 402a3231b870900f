package dev.jobqueue.spi;

import dev.jobqueue.JobRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A recurring schedule's job template as a JSON-like map and back, so that every store persists it
 * the same way (as a JSON object). Parent, dependencies and delay are not part of a template.
 */
public final class Templates {
  private Templates() {}

  /** The template's fields under snake_case names; absent values are left out. */
  public static Map<String, Object> toMap(JobRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", r.type());
    m.put("title", r.title());
    put(m, "description", r.description());
    m.put("input", r.input());
    m.put("priority", r.priority());
    put(m, "max_attempts", r.maxAttempts());
    m.put("optional", r.optional());
    put(m, "user_id", r.userId());
    m.put("cancelable", r.cancelable());
    put(m, "total_steps", r.totalSteps());
    put(m, "timeout_ms", r.timeout() == null ? null : r.timeout().toMillis());
    put(m, "unique_key", r.uniqueKey());
    return JsonValues.copyObject(m);
  }

  /** The template {@link #toMap} wrote. */
  @SuppressWarnings("unchecked")
  public static JobRequest fromMap(Map<String, Object> m) {
    JobRequest.Builder b =
        JobRequest.builder((String) m.get("type"), (String) m.get("title"))
            .description((String) m.get("description"))
            .input((Map<String, Object>) m.getOrDefault("input", Map.of()))
            .priority(((Number) m.getOrDefault("priority", 0)).intValue())
            .optional(Boolean.TRUE.equals(m.get("optional")))
            .userId((String) m.get("user_id"))
            .cancelable(!Boolean.FALSE.equals(m.get("cancelable")))
            .uniqueKey((String) m.get("unique_key"));
    if (m.get("max_attempts") instanceof Number n) {
      b.maxAttempts(n.intValue());
    }
    if (m.get("total_steps") instanceof Number n) {
      b.totalSteps(n.intValue());
    }
    if (m.get("timeout_ms") instanceof Number n) {
      b.timeout(Duration.ofMillis(n.longValue()));
    }
    return b.build();
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
