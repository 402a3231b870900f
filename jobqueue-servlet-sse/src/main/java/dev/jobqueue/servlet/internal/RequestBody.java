package dev.jobqueue.servlet.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads a request body with a size cap, so a huge upload cannot exhaust memory. */
public final class RequestBody {
  private static final Logger log = LoggerFactory.getLogger(RequestBody.class);

  /**
   * The rest of the body stays unread, so the container closes the connection after the answer:
   * saying so keeps a client from sending its next request on that connection (which found it
   * closed, without an answer).
   */
  private static final Map<String, String> CLOSE = Map.of("Connection", "close");

  private RequestBody() {}

  /** Refuses a declared length over the limit before reading anything. */
  public static void checkDeclaredLength(HttpServletRequest req, long max) {
    long declared = req.getContentLengthLong();
    if (declared > max) {
      throw tooLarge(max);
    }
  }

  /**
   * An optional JSON body: empty, or a JSON object (ignored by today's endpoints, reserved for
   * options). Anything else is a 400 so a client's mistake does not go unnoticed.
   */
  public static JsonNode optionalJsonObject(HttpServletRequest req, long max) throws IOException {
    byte[] body = read(req, max);
    if (isBlank(body)) {
      return null;
    }
    JsonNode node;
    try {
      node = JobJson.MAPPER.readTree(body);
    } catch (JacksonException e) {
      throw HttpError.badRequest("malformed JSON body: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw HttpError.badRequest("malformed JSON body: expected a JSON object");
    }
    return node;
  }

  static byte[] read(HttpServletRequest req, long max) throws IOException {
    checkDeclaredLength(req, max);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try (InputStream in = req.getInputStream()) {
      int n;
      while ((n = in.read(chunk)) != -1) {
        if (buf.size() + (long) n > max) {
          throw tooLarge(max); // chunked bodies declare no length
        }
        buf.write(chunk, 0, n);
      }
    } catch (HttpError e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Bad chunking, a body shorter than its Content-Length, a client gone: the container's
      // exception (a RuntimeException in some) says which, in its own words, so it goes to the log.
      log.debug(
          "Cannot read the body of {} {}: {}", req.getMethod(), req.getRequestURI(), e.toString());
      throw new HttpError(400, "the request body could not be read: malformed or cut short", CLOSE);
    }
    return buf.toByteArray();
  }

  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  private static HttpError tooLarge(long max) {
    return new HttpError(413, "request body is larger than the limit of " + max + " bytes", CLOSE);
  }
}
