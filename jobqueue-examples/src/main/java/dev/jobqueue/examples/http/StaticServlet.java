package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Serves the page's files from the classpath ({@code dev/jobqueue/examples/web}); JSON 404
 * otherwise.
 */
public final class StaticServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private static final String ROOT = "dev/jobqueue/examples/web/";
  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8");

  /**
   * The page's policy: scripts, styles, images and connections from this origin only; no inline
   * script or style, no plugins, no framing. The widget satisfies it: its shadow-DOM styles are a
   * constructed stylesheet ({@code adoptedStyleSheets}), which CSP does not govern, and the only
   * style it sets from script is through the CSSOM ({@code element.style.width}), also allowed.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'; object-src 'none'";

  public StaticServlet(ObjectMapper json) {
    super(json);
  }

  @Override
  protected void handle(
      String method, List<String> ignored, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
    String type = TYPES.get(name);
    if (type == null) {
      throw HttpError.notFound("no such resource: " + req.getRequestURI());
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw HttpError.methodNotAllowed("use GET here, not " + method);
    }
    try (InputStream in = StaticServlet.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw HttpError.notFound("missing resource " + name);
      }
      resp.setContentType(type);
      resp.setHeader("Cache-Control", "no-cache");
      resp.setHeader("X-Content-Type-Options", "nosniff");
      resp.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      resp.setHeader("Referrer-Policy", "same-origin");
      if (method.equals("GET")) {
        in.transferTo(resp.getOutputStream());
      }
    }
  }
}
