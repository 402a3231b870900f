package dev.jobqueue.servlet.internal;

import java.util.Map;

/**
 * An answer other than success, with the words the client sees. Thrown inside request handling and
 * turned into {@code {"error": ..., "status": ...}} in one place.
 */
public final class HttpError extends RuntimeException {
  private final int status;
  private final Map<String, String> headers;

  public HttpError(int status, String message) {
    this(status, message, Map.of());
  }

  public HttpError(int status, String message, Map<String, String> headers) {
    // No stack trace: these are expected answers, not bugs, and are never logged with one.
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  /** Extra response headers such as {@code Allow} or {@code Retry-After}. */
  public Map<String, String> headers() {
    return headers;
  }

  public static HttpError methodNotAllowed(String method, String allow) {
    return new HttpError(
        405, "method " + method + " is not allowed here; use " + allow, Map.of("Allow", allow));
  }

  public static HttpError notFound(String what) {
    return new HttpError(404, what);
  }

  public static HttpError badRequest(String what) {
    return new HttpError(400, what);
  }
}
