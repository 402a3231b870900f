package dev.jobqueue.examples.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (requests it refuses before any servlet runs: a malformed request line,
 * headers too large, an ambiguous path) as the app's JSON {@code {"error": ..., "status": ...}}
 * instead of an HTML page. Never a stack trace, an exception name or the server's version: Jetty's
 * message is used only when it is plain words, else the status' reason phrase.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final Pattern PLAIN_WORDS = Pattern.compile("[A-Za-z0-9 ,:;'()/_-]{1,200}");

  public JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
    setShowOrigin(false);
  }

  /** Every method gets the JSON body, not only GET, POST and HEAD (Jetty's default). */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    byte[] body = body(code, message);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  // Jetty 12.1 still calls this for requests it refuses before any handler (bad request lines,
  // headers too large); until it is gone, overriding it is how those answers become JSON.
  @Override
  @SuppressWarnings("removal")
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    byte[] body = body(status, reason);
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    fields.put("X-Content-Type-Options", "nosniff");
    return ByteBuffer.wrap(body);
  }

  static byte[] body(int code, String message) {
    String words = describe(code, message);
    return ("{\"error\":\"" + words + "\",\"status\":" + code + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Words safe to put in a JSON string as they are (PLAIN_WORDS has no quote or backslash). */
  private static String describe(int code, String message) {
    String reason = HttpStatus.getMessage(code);
    String what =
        message != null
                && PLAIN_WORDS.matcher(message).matches()
                && !message.contains("Exception")
                && !message.equals(reason)
            ? message
            : null;
    String base = reason == null ? "error" : reason.toLowerCase(java.util.Locale.ROOT);
    return what == null ? base : base + ": " + what;
  }
}
