package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.analysis.AnalyzeJob;
import dev.jobqueue.examples.analysis.Analyzer;
import dev.jobqueue.examples.analysis.Analyzers;
import dev.jobqueue.examples.analysis.ComprehensiveJob;
import dev.jobqueue.examples.batch.BatchAnalyzeJob;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/analyze/{analyzer}} and {@code POST /api/analyze/comprehensive}, body {@code
 * {"image_id": ..., "analyses": {"colors": true, ...}}}, and {@code POST /api/analyze/batch}, body
 * {@code {"image_ids": [...], "analyzer": "colors"}}, each with {@code ?async=true} (or the seed's
 * {@code ?async_mode=true}) and the optional {@code priority} and {@code depends_on} of {@link
 * JobOptions}.
 *
 * <p>Demo options in the body: {@code pace_ms} (0–5000, a pause per step so progress is visible on
 * small images), {@code fail_first_attempts} (0–10, fail that many attempts on purpose) and {@code
 * fail_thumbnail} (the preview job fails; the analysis still completes, with a warning).
 */
public final class AnalyzeServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  public static final String COMPREHENSIVE = "comprehensive";
  public static final String BATCH = "batch";
  public static final int MAX_BATCH = 100;

  private final transient JobQueue queue;
  private final transient Analyzers analyzers;
  private final transient ImageStore images;
  private final transient JobAnswers answers;
  private final transient JobOptions jobOptions;

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
    this.jobOptions = new JobOptions(queue);
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
    boolean batch = name.equals(BATCH);
    Analyzer analyzer = batch || name.equals(COMPREHENSIVE) ? null : analyzers.get(name);
    boolean async = isAsync(req);
    ObjectNode body = readObject(req);
    JobRequest.Builder request;
    if (batch) {
      request = BatchAnalyzeJob.request(batchAnalyzer(body), batchImages(body), options(body));
    } else {
      StoredImage image = images.get(requireText(body, "image_id"));
      request =
          analyzer == null
              ? ComprehensiveJob.request(image, selected(body), options(body))
              : AnalyzeJob.request(analyzer, image, options(body));
    }
    Job job = queue.submit(jobOptions.apply(body, AnonymousUser.of(req), request).build());
    JobAnswers.Answer answer = answers.answer(job, async);
    send(resp, answer.status(), answer.body());
  }

  /** The batch's analyzer; unknown is a 400 here (it is a field, not the resource path). */
  private Analyzer batchAnalyzer(JsonNode body) {
    String name = requireText(body, "analyzer");
    return analyzers.all().stream()
        .filter(a -> a.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                HttpError.badRequest(
                    "unknown analyzer '"
                        + QueryString.abbreviate(name)
                        + "'; known: "
                        + String.join(
                            ", ", analyzers.all().stream().map(Analyzer::name).toList())));
  }

  /** The batch's images; an unknown id is a 400 naming its index (it is a field, not the path). */
  private List<StoredImage> batchImages(JsonNode body) {
    List<String> ids = JsonItems.strings(body, "image_ids", MAX_BATCH, false);
    List<StoredImage> found = new ArrayList<>(ids.size());
    for (String id : ids) {
      Optional<StoredImage> image = images.find(id);
      if (image.isEmpty()) {
        throw HttpError.badRequest(
            "image_ids["
                + found.size()
                + "]: no image with id '"
                + QueryString.abbreviate(id)
                + "'");
      }
      found.add(image.get());
    }
    return found;
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
