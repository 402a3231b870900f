package dev.jobqueue.sql.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The JSON text columns of both stores: lists of strings and objects (maps). */
public final class Json {
  /** Default number handling: ints come back as Integer, larger ones as Long, decimals Double. */
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private Json() {}

  /** A job value (list, map) as JSON text. */
  public static String write(Object value) {
    // most lists (children, warnings, depends_on) are empty: skip Jackson on the writer's hot path
    if (value instanceof Collection<?> c && c.isEmpty()) {
      return "[]";
    }
    if (value instanceof Map<?, ?> m && m.isEmpty()) {
      return "{}";
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write a job value as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A JSON list of strings; null reads as empty. */
  public static List<String> strings(String json) throws SQLException {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt JSON list in the jobs table: " + e.getOriginalMessage(), e);
    }
  }

  /** A JSON object; null stays null. */
  public static Map<String, Object> map(String json) throws SQLException {
    if (json == null) {
      return null;
    }
    if (json.equals("{}")) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new SQLException("corrupt JSON object in the jobs table: " + e.getOriginalMessage(), e);
    }
  }
}
