package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.analysis.Analyzer;
import dev.jobqueue.examples.analysis.Analyzers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;

/** {@code GET /api/analyzers}: the analyzers with names, labels and descriptions. */
public final class AnalyzersServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private final transient Analyzers analyzers;

  public AnalyzersServlet(ObjectMapper json, Analyzers analyzers) {
    super(json);
    this.analyzers = analyzers;
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    requireMethod(method, "GET");
    if (!path.isEmpty()) {
      throw HttpError.notFound("no such resource: " + req.getRequestURI());
    }
    List<Map<String, Object>> list =
        analyzers.all().stream().map(AnalyzersServlet::describe).toList();
    send(resp, 200, list);
  }

  private static Map<String, Object> describe(Analyzer a) {
    return Map.of(
        "name", a.name(), "label", a.label(), "description", a.description(), "steps", a.steps());
  }
}
