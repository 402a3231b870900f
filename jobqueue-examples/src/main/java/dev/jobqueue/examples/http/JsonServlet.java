package dev.jobqueue.examples.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobStateException;
import dev.jobqueue.spi.UniqueKeyConflictException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the app's API servlets: routes by method and path segments, answers JSON, and maps every
 * failure to {@code {"error": ..., "status": ...}} without stack traces.
 */
public abstract class JsonServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(JsonServlet.class);
  private static final int MAX_JSON_BYTES = 64 * 1024;

  protected final transient ObjectMapper json;

  protected JsonServlet(ObjectMapper json) {
    this.json = json;
  }

  /** Handles one request; {@code path} holds the segments after the servlet's mapping. */
  protected abstract void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception;

  @Override
  protected final void service(HttpServletRequest req, HttpServletResponse resp)
      throws IOException {
    try {
      handle(req.getMethod(), segments(req.getPathInfo()), req, resp);
    } catch (HttpError e) {
      error(resp, e.status(), e.getMessage());
    } catch (UnsupportedCharsetException e) {
      // the container looks the Content-Type's charset up as soon as the body is touched
      error(
          resp,
          400,
          "the Content-Type names the charset '"
              + QueryString.abbreviate(e.getCharsetName())
              + "', which this server does not know; send UTF-8");
    } catch (IllegalCharsetNameException e) {
      error(resp, 400, "the Content-Type names a malformed charset; send UTF-8");
    } catch (JobNotFoundException e) {
      error(resp, 404, e.getMessage());
    } catch (JobStateException e) {
      error(resp, 409, e.getMessage());
    } catch (UniqueKeyConflictException e) {
      // another queued or running job of the user holds the key the request needs
      error(resp, 409, e.getMessage());
    } catch (IllegalArgumentException e) {
      error(resp, 400, e.getMessage());
    } catch (Exception e) {
      int status = clientErrorStatus(e);
      if (status > 0) {
        // the container refused what the client sent (bad chunking, a body cut short, ...)
        LOG.debug("{} {}: bad request: {}", req.getMethod(), req.getRequestURI(), e.toString());
        error(resp, status, "the request could not be read: it is malformed or cut short");
        return;
      }
      LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
      error(resp, 500, "internal error; the server log has the details");
    }
  }

  /**
   * The 4xx a container exception stands for (Jetty's {@code BadMessageException} and other {@link
   * HttpException}s carry one), or 0 when it is our own failure. An {@link java.io.EOFException} is
   * a body that ended early.
   */
  private static int clientErrorStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpException he && he.getCode() >= 400 && he.getCode() < 500) {
        return he.getCode();
      }
      if (t instanceof java.io.EOFException) {
        return 400;
      }
    }
    return 0;
  }

  private static List<String> segments(String pathInfo) {
    if (pathInfo == null || pathInfo.equals("/")) {
      return List.of();
    }
    return List.of(pathInfo.substring(1).split("/", -1));
  }

  protected void send(HttpServletResponse resp, int status, Object body) throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setCharacterEncoding("UTF-8");
    resp.setHeader("Cache-Control", "no-store");
    json.writeValue(resp.getOutputStream(), body);
  }

  protected void error(HttpServletResponse resp, int status, String message) throws IOException {
    if (resp.isCommitted()) {
      return;
    }
    // reset() drops headers too: keep a first visit's user cookie (AnonymousUser)
    List<String> cookies = List.copyOf(resp.getHeaders("Set-Cookie"));
    resp.reset();
    cookies.forEach(c -> resp.addHeader("Set-Cookie", c));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status);
    send(resp, status, body);
  }

  /** The request body as a JSON object; 400 when malformed or not an object. */
  protected ObjectNode readObject(HttpServletRequest req) throws IOException {
    byte[] bytes;
    try (InputStream in = req.getInputStream()) {
      bytes = in.readNBytes(MAX_JSON_BYTES + 1);
    }
    if (bytes.length > MAX_JSON_BYTES) {
      throw HttpError.tooLarge("the JSON body is larger than " + MAX_JSON_BYTES + " bytes");
    }
    if (bytes.length == 0) {
      throw HttpError.badRequest("a JSON object body is required");
    }
    JsonNode node;
    try {
      node = json.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw HttpError.badRequest("malformed JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw HttpError.badRequest("the body must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** A required non-blank string field. */
  protected static String requireText(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw HttpError.badRequest("missing field '" + field + "'");
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw HttpError.badRequest("field '" + field + "' must be a non-empty string");
    }
    return v.asText();
  }

  /** An optional integer field within {@code min..max}. */
  protected static int intField(JsonNode body, String field, int dflt, int min, int max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
      throw HttpError.badRequest("field '" + field + "' must be an integer");
    }
    int value = v.asInt();
    if (value < min || value > max) {
      throw HttpError.badRequest(
          "field '" + field + "' must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** A parameter of the query string only (never parses the body); 400 when malformed. */
  protected static String queryParam(HttpServletRequest req, String key) {
    return QueryString.single(req, key);
  }

  /**
   * {@code ?async=} or its synonym {@code ?async_mode=} (the seed's name); giving both is a 400,
   * even when they agree, so a client never wonders which one won.
   */
  protected static boolean isAsync(HttpServletRequest req) {
    String async = queryParam(req, "async");
    String asyncMode = queryParam(req, "async_mode");
    if (async != null && asyncMode != null) {
      throw HttpError.badRequest(
          "give either async or async_mode (its synonym), not both: got async='"
              + QueryString.abbreviate(async)
              + "' and async_mode='"
              + QueryString.abbreviate(asyncMode)
              + "'");
    }
    String name = asyncMode != null ? "async_mode" : "async";
    String v = asyncMode != null ? asyncMode : async;
    if (v == null || v.equalsIgnoreCase("false") || v.equals("0")) {
      return false;
    }
    if (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1")) {
      return true;
    }
    throw HttpError.badRequest(
        name + " must be true or false, got '" + QueryString.abbreviate(v) + "'");
  }

  protected static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw HttpError.methodNotAllowed("use " + allowed + " here, not " + method);
    }
  }
}
