package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.examples.analysis.AnalyzeJob;
import dev.jobqueue.examples.analysis.Analyzer;
import dev.jobqueue.examples.analysis.Analyzers;
import dev.jobqueue.examples.analysis.ComprehensiveJob;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/analyze/{analyzer}} and {@code POST /api/analyze/comprehensive}, body {@code
 * {"image_id": ..., "analyses": {"colors": true, ...}}}, with {@code ?async=true}.
 *
 * <p>Demo options in the body: {@code pace_ms} (0–5000, a pause per step so progress is visible on
 * small images), {@code fail_first_attempts} (0–10, fail that many attempts on purpose) and {@code
 * fail_thumbnail} (the preview job fails; the analysis still completes, with a warning).
 */
public final class AnalyzeServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  public static final String COMPREHENSIVE = "comprehensive";

  private final transient JobQueue queue;
  private final transient Analyzers analyzers;
  private final transient ImageStore images;
  private final transient JobAnswers answers;

  public AnalyzeServlet(
      ObjectMapper json,
      JobQueue queue,
      Analyzers analyzers,
      ImageStore images,
      JobAnswers answers) {
    super(json);
    this.queue = queue;
    this.analyzers = analyzers;
    this.images = images;
    this.answers = answers;
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    if (path.size() != 1 || path.get(0).isEmpty()) {
      throw HttpError.notFound(
          "use POST /api/analyze/{analyzer}; analyzers are listed at /api/analyzers");
    }
    requireMethod(method, "POST");
    String name = path.get(0);
    Analyzer analyzer = name.equals(COMPREHENSIVE) ? null : analyzers.get(name);
    boolean async = isAsync(req);
    ObjectNode body = readObject(req);
    StoredImage image = images.get(requireText(body, "image_id"));
    Map<String, Object> options = options(body);
    String user = AnonymousUser.of(req);
    Job job =
        analyzer == null
            ? queue.submit(ComprehensiveJob.request(image, selected(body), options, user))
            : queue.submit(AnalyzeJob.request(analyzer, image, options).userId(user).build());
    JobAnswers.Answer answer = answers.answer(job, async);
    send(resp, answer.status(), answer.body());
  }

  private static Map<String, Object> options(JsonNode body) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("pace_ms", intField(body, "pace_ms", 0, 0, 5000));
    options.put("fail_first_attempts", intField(body, "fail_first_attempts", 0, 0, 10));
    JsonNode failThumb = body.get("fail_thumbnail");
    if (failThumb != null && !failThumb.isNull() && !failThumb.isBoolean()) {
      throw HttpError.badRequest("field 'fail_thumbnail' must be true or false");
    }
    options.put("fail_thumbnail", failThumb != null && failThumb.asBoolean());
    return options;
  }

  /** The analyses chosen by {@code analyses}: an object of name → boolean, or an array of names. */
  private List<String> selected(JsonNode body) {
    JsonNode analyses = body.get("analyses");
    List<String> names = new ArrayList<>();
    if (analyses == null || analyses.isNull()) {
      throw HttpError.badRequest(
          "missing field 'analyses', e.g. {\"colors\": true, \"sharpness\": true}");
    }
    if (analyses.isObject()) {
      for (Map.Entry<String, JsonNode> e : analyses.properties()) {
        if (!e.getValue().isBoolean()) {
          throw HttpError.badRequest("analyses." + e.getKey() + " must be true or false");
        }
        if (e.getValue().asBoolean()) {
          names.add(e.getKey());
        }
      }
    } else if (analyses.isArray()) {
      analyses.forEach(n -> names.add(n.asText()));
    } else {
      throw HttpError.badRequest(
          "field 'analyses' must be an object of name → true/false or an array of names");
    }
    if (names.isEmpty()) {
      throw HttpError.badRequest("select at least one analysis");
    }
    for (String n : names) {
      if (n.equals(COMPREHENSIVE) || analyzers.all().stream().noneMatch(a -> a.name().equals(n))) {
        throw HttpError.badRequest(
            "unknown analysis '"
                + n
                + "'; known: "
                + String.join(", ", analyzers.all().stream().map(Analyzer::name).toList()));
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(names));
  }
}
