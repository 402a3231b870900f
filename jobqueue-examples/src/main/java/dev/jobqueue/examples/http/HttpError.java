package dev.jobqueue.examples.http;

/** An error answered as JSON {@code {"error": message, "status": status}}. */
public final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public HttpError(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static HttpError badRequest(String message) {
    return new HttpError(400, message);
  }

  public static HttpError notFound(String message) {
    return new HttpError(404, message);
  }

  public static HttpError methodNotAllowed(String message) {
    return new HttpError(405, message);
  }

  public static HttpError tooLarge(String message) {
    return new HttpError(413, message);
  }

  public static HttpError unsupportedMediaType(String message) {
    return new HttpError(415, message);
  }
}
