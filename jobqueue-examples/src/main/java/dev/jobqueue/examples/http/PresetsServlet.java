package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.Job;
import dev.jobqueue.examples.presets.Preset;
import dev.jobqueue.examples.presets.PresetStore;
import dev.jobqueue.examples.presets.TrackedPreview;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /api/presets[?image_id=]}, {@code /api/presets/{id}}, {@code
 * /api/presets/{id}/thumbnail}; {@code POST /api/presets/{id}/thumbnail[?async=true]} re-renders
 * the preview as a tracked job (body optional: {@code pace_ms} 0–2000, {@code fail} true/false).
 */
public final class PresetsServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private final transient PresetStore presets;
  private final transient TrackedPreview previews;
  private final transient JobAnswers answers;

  public PresetsServlet(
      ObjectMapper json, PresetStore presets, TrackedPreview previews, JobAnswers answers) {
    super(json);
    this.presets = presets;
    this.previews = previews;
    this.answers = answers;
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    if (path.size() == 2 && path.get(1).equals("thumbnail") && method.equals("POST")) {
      rerender(path.get(0), req, resp);
      return;
    }
    requireMethod(method, "GET");
    if (path.isEmpty()) {
      String imageId = queryParam(req, "image_id");
      send(
          resp,
          200,
          presets.list().stream()
              .filter(p -> imageId == null || imageId.equals(p.imageId()))
              .toList());
      return;
    }
    Preset preset = presets.get(path.get(0));
    if (path.size() == 1) {
      send(resp, 200, preset);
    } else if (path.size() == 2 && path.get(1).equals("thumbnail")) {
      Path file = presets.thumbnailFile(preset.id());
      if (!preset.hasThumbnail() || !Files.exists(file)) {
        throw HttpError.notFound("preset " + preset.id() + " has no thumbnail yet");
      }
      resp.setContentType("image/png");
      resp.setHeader("Cache-Control", "no-cache");
      resp.setContentLengthLong(Files.size(file));
      Files.copy(file, resp.getOutputStream());
    } else {
      throw HttpError.notFound("no such resource: " + req.getRequestURI());
    }
  }

  private void rerender(String id, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    boolean async = isAsync(req);
    ObjectNode body =
        req.getContentLengthLong() == 0 ? JsonNodeFactory.instance.objectNode() : readObject(req);
    int pace = intField(body, "pace_ms", 0, 0, 2000);
    JsonNode fail = body.get("fail");
    if (fail != null && !fail.isNull() && !fail.isBoolean()) {
      throw HttpError.badRequest("field 'fail' must be true or false");
    }
    Preset preset = presets.get(id);
    Job job =
        previews.start(
            preset,
            AnonymousUser.of(req),
            Duration.ofMillis(pace),
            fail != null && fail.asBoolean());
    JobAnswers.Answer answer = answers.answer(job, async);
    send(resp, answer.status(), answer.body());
  }
}
