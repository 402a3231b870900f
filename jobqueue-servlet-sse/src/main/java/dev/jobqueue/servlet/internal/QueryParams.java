package dev.jobqueue.servlet.internal;

import dev.jobqueue.JobStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.Set;

/** Parses and checks query parameters; every problem is a 400 naming the parameter. */
public final class QueryParams {
  private QueryParams() {}

  /**
   * {@code status=running,queued}, repeated parameters allowed; empty for none given.
   *
   * @throws HttpError 400 naming the unknown status and the accepted ones
   */
  public static Set<JobStatus> statuses(HttpServletRequest req) {
    return parseStatuses(req.getParameterValues("status"));
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
    return parseInt(req.getParameter(name), name, dflt, min, max);
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
              + raw
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
    String v = req.getParameter(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * The SSE resume point: the {@code Last-Event-ID} header (what EventSource sends on reconnect),
   * else the {@code lastEventId} parameter (for clients that cannot set headers); null when absent
   * or not a number, which means "send the full state".
   */
  public static Long lastEventId(HttpServletRequest req) {
    String raw = req.getHeader("Last-Event-ID");
    if (raw == null || raw.isBlank()) {
      raw = req.getParameter("lastEventId");
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
}
