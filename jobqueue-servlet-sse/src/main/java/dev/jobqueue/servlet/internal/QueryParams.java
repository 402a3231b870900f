package dev.jobqueue.servlet.internal;

import dev.jobqueue.JobStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and checks query parameters; every problem is a 400 naming the parameter.
 *
 * <p>The query string is decoded here, strictly as UTF-8, instead of through {@code getParameter}:
 * containers differ on malformed input (Jetty throws an exception that surfaces as a 500, Tomcat
 * drops the parameter silently), and {@code getParameter} also parses a form body, failing on a
 * {@code Content-Type} charset the JVM does not know. The API takes no form bodies.
 */
public final class QueryParams {
  /** More parameters than any client of the API sends; beyond it the request is refused. */
  static final int MAX_PARAMETERS = 64;

  private static final String ATTRIBUTE = QueryParams.class.getName();

  private QueryParams() {}

  /**
   * {@code status=running,queued}, repeated parameters allowed; empty for none given.
   *
   * @throws HttpError 400 naming the unknown status and the accepted ones
   */
  public static Set<JobStatus> statuses(HttpServletRequest req) {
    List<String> values = of(req).get("status");
    return parseStatuses(values == null ? null : values.toArray(new String[0]));
  }

  static Set<JobStatus> parseStatuses(String[] values) {
    EnumSet<JobStatus> out = EnumSet.noneOf(JobStatus.class);
    if (values == null) {
      return out;
    }
    for (String value : values) {
      for (String part : value.split(",", -1)) {
        if (part.isBlank()) {
          continue;
        }
        try {
          out.add(JobStatus.fromWireName(part));
        } catch (IllegalArgumentException e) {
          throw HttpError.badRequest("parameter status: " + e.getMessage());
        }
      }
    }
    return out;
  }

  /** An integer in {@code min..max}, {@code dflt} when absent. */
  public static int intParam(HttpServletRequest req, String name, int dflt, int min, int max) {
    return parseInt(single(req, name), name, dflt, min, max);
  }

  static int parseInt(String raw, String name, int dflt, int min, int max) {
    if (raw == null || raw.isBlank()) {
      return dflt;
    }
    int v;
    try {
      v = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw HttpError.badRequest(
          "parameter "
              + name
              + " must be an integer between "
              + min
              + " and "
              + max
              + ", got '"
              + abbreviate(raw)
              + "'");
    }
    if (v < min || v > max) {
      throw HttpError.badRequest(
          "parameter " + name + " must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  /** A text parameter, null when absent or blank. */
  public static String text(HttpServletRequest req, String name) {
    String v = single(req, name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * A boolean parameter: true or false (any case), false when absent.
   *
   * @throws HttpError 400 for any other value
   */
  public static boolean bool(HttpServletRequest req, String name) {
    String v = text(req, name);
    if (v == null || v.equalsIgnoreCase("false")) {
      return false;
    }
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    throw HttpError.badRequest(
        "parameter " + name + " must be true or false, got '" + abbreviate(v) + "'");
  }

  /**
   * The one value of a parameter that takes one, null when absent.
   *
   * @throws HttpError 400 when it is given more than once: which one was meant is a guess
   */
  public static String single(HttpServletRequest req, String name) {
    List<String> values = of(req).get(name);
    if (values == null) {
      return null;
    }
    if (values.size() > 1) {
      throw HttpError.badRequest(
          "parameter " + name + " is given " + values.size() + " times; give it once");
    }
    return values.get(0);
  }

  /**
   * The SSE resume point: the {@code Last-Event-ID} header (what EventSource sends on reconnect),
   * else the {@code lastEventId} parameter (for clients that cannot set headers); null when absent
   * or not a number, which means "send the full state".
   */
  public static Long lastEventId(HttpServletRequest req) {
    String raw = req.getHeader("Last-Event-ID");
    if (raw == null || raw.isBlank()) {
      raw = single(req, "lastEventId");
    }
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      long v = Long.parseLong(raw.trim());
      return v < 0 ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The request's query parameters, parsed once per request. */
  @SuppressWarnings("unchecked")
  static Map<String, List<String>> of(HttpServletRequest req) {
    Object cached = req.getAttribute(ATTRIBUTE);
    if (cached instanceof Map<?, ?> m) {
      return (Map<String, List<String>>) m;
    }
    Map<String, List<String>> parsed = parse(req.getQueryString());
    req.setAttribute(ATTRIBUTE, parsed);
    return parsed;
  }

  /**
   * {@code a=1&b=x+y&a=2} as names to values in order; '+' is a space, as browsers encode queries.
   *
   * @throws HttpError 400 for malformed percent-encoding, bytes that are not UTF-8, or too many
   *     parameters
   */
  static Map<String, List<String>> parse(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    int count = 0;
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      if (++count > MAX_PARAMETERS) {
        throw HttpError.badRequest("too many query parameters (at most " + MAX_PARAMETERS + ")");
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    }
    return out;
  }

  static String decode(String raw) {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw HttpError.badRequest(
              "malformed percent-encoding in the query string near '"
                  + abbreviate(raw.substring(i))
                  + "': '%' must be followed by two hex digits");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        int cp = raw.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw HttpError.badRequest(
          "the query string parameter '"
              + abbreviate(raw)
              + "' is not percent-encoded UTF-8 (for example %FF alone is not a character)");
    }
  }

  /** Echoes client text in messages, but never a whole huge value. */
  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
