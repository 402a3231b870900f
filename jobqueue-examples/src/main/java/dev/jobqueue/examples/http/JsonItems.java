package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Array fields of request bodies: a list of non-empty strings, with a clear 400 otherwise. */
final class JsonItems {
  private JsonItems() {}

  /**
   * The strings of the array {@code field}, 1 to {@code max} of them (0 allowed when {@code
   * allowEmpty}); 400 naming the field, or the index of the bad item.
   */
  static List<String> strings(JsonNode body, String field, int max, boolean allowEmpty) {
    JsonNode array = body.get(field);
    if (array == null || array.isNull()) {
      throw HttpError.badRequest("missing field '" + field + "'");
    }
    if (!array.isArray()) {
      throw HttpError.badRequest("field '" + field + "' must be an array of strings");
    }
    if (array.isEmpty() && !allowEmpty) {
      throw HttpError.badRequest("field '" + field + "' must list at least one item");
    }
    if (array.size() > max) {
      throw HttpError.badRequest(
          "field '" + field + "' lists " + array.size() + " items; at most " + max + " allowed");
    }
    List<String> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      if (!item.isTextual() || item.asText().isBlank()) {
        throw HttpError.badRequest(field + "[" + i + "] must be a non-empty string");
      }
      items.add(item.asText());
    }
    return items;
  }
}
