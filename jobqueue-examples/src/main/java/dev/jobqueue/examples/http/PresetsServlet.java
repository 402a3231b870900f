package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.presets.Preset;
import dev.jobqueue.examples.presets.PresetStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code GET /api/presets[?image_id=]}, {@code /api/presets/{id}}, {@code
 * /api/presets/{id}/thumbnail}.
 */
public final class PresetsServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private final transient PresetStore presets;

  public PresetsServlet(ObjectMapper json, PresetStore presets) {
    super(json);
    this.presets = presets;
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
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
}
