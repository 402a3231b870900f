package dev.jobqueue.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, immutable copies of JSON-like values (maps with string keys, lists, strings, numbers,
 * booleans and null), so a snapshot can never change after it was made and every store can persist
 * it as JSON.
 */
public final class JsonValues {
  private JsonValues() {}

  private static final FrozenMap EMPTY = new FrozenMap(new LinkedHashMap<>());

  /** An unmodifiable deep copy; already-copied maps are returned as they are. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> copyObject(Map<String, ?> map) {
    if (map instanceof FrozenMap) {
      return (Map<String, Object>) map;
    }
    if (map.isEmpty()) {
      return EMPTY; // most jobs have no input: one shared copy instead of one per snapshot
    }
    LinkedHashMap<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
    for (Map.Entry<String, ?> e : map.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException("JSON object keys must not be null");
      }
      copy.put(e.getKey(), copyValue(e.getValue()));
    }
    return new FrozenMap(copy);
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Number) {
      if (v instanceof Double d && (d.isNaN() || d.isInfinite())
          || v instanceof Float f && (f.isNaN() || f.isInfinite())) {
        throw new IllegalArgumentException("JSON numbers must be finite, got " + v);
      }
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      for (Object k : m.keySet()) {
        if (!(k instanceof String)) {
          throw new IllegalArgumentException("JSON object keys must be strings, got " + k);
        }
      }
      return copyObject((Map<String, ?>) m);
    }
    if (v instanceof Iterable<?> it) {
      List<Object> list = new ArrayList<>();
      for (Object o : it) {
        list.add(copyValue(o));
      }
      return Collections.unmodifiableList(list);
    }
    if (v instanceof Object[] arr) {
      return copyValue(List.of(arr));
    }
    if (v instanceof Enum<?>
        || v instanceof CharSequence
        || v instanceof java.time.temporal.Temporal
        || v instanceof java.util.UUID) {
      return v.toString();
    }
    throw new IllegalArgumentException(
        "unsupported value of "
            + v.getClass().getName()
            + " in a job's input or result: use maps, lists, strings, numbers, booleans or null");
  }

  /** Marker type so copies of copies are free. */
  private static final class FrozenMap extends java.util.AbstractMap<String, Object> {
    private final Map<String, Object> delegate;

    FrozenMap(LinkedHashMap<String, Object> delegate) {
      this.delegate = delegate;
    }

    @Override
    public java.util.Set<Entry<String, Object>> entrySet() {
      return Collections.unmodifiableMap(delegate).entrySet();
    }

    @Override
    public Object get(Object key) {
      return delegate.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return delegate.containsKey(key);
    }

    @Override
    public int size() {
      return delegate.size();
    }
  }
}
