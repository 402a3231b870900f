package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;

/**
 * {@code POST /api/images} (raw image bytes, or multipart field {@code file}) → 201 {@code
 * {"image_id": ...}}; {@code GET /api/images} lists; {@code GET /api/images/{id}} the bytes.
 */
public final class ImagesServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ImagesServlet.class);
  private final transient ImageStore images;

  public ImagesServlet(ObjectMapper json, ImageStore images) {
    super(json);
    this.images = images;
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    if (path.isEmpty()) {
      if (method.equals("POST")) {
        StoredImage image = upload(req);
        resp.setHeader("Location", image.url());
        send(resp, 201, image);
        return;
      }
      requireMethod(method, "GET");
      send(resp, 200, images.list());
      return;
    }
    requireMethod(method, "GET");
    if (path.size() != 1) {
      throw HttpError.notFound("no such resource: " + req.getRequestURI());
    }
    StoredImage image = images.get(path.get(0));
    resp.setContentType(image.contentType());
    resp.setHeader("X-Content-Type-Options", "nosniff");
    resp.setHeader("Cache-Control", "private, max-age=86400, immutable");
    resp.setContentLengthLong(Files.size(image.file()));
    Files.copy(image.file(), resp.getOutputStream());
  }

  private StoredImage upload(HttpServletRequest req) throws IOException {
    if (req.getContentLengthLong() > ImageStore.MAX_BYTES + 64 * 1024) {
      throw HttpError.tooLarge(
          "the upload is larger than " + ImageStore.MAX_BYTES / (1024 * 1024) + " MB");
    }
    String type = req.getContentType();
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
      Part part;
      try {
        part = req.getPart("file");
      } catch (Exception e) {
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (msg.contains("exceed") || msg.contains("too large") || msg.contains("max")) {
          throw HttpError.tooLarge(
              "the upload is larger than " + ImageStore.MAX_BYTES / (1024 * 1024) + " MB");
        }
        // the container's message names its own exception classes: it goes to the log only
        LOG.debug("Unreadable multipart upload: {}", e.toString());
        throw HttpError.badRequest(
            "malformed multipart body: send multipart/form-data with a boundary parameter and"
                + " a field named 'file' holding the image");
      }
      if (part == null) {
        throw HttpError.badRequest("missing multipart field 'file'");
      }
      try (InputStream in = part.getInputStream()) {
        return images.save(readLimited(in), part.getSubmittedFileName());
      }
    }
    // never getParameter(): it would parse a raw body sent as form content
    String name = queryParam(req, "name");
    if (name == null) {
      name = req.getHeader("X-Filename");
    }
    try (InputStream in = req.getInputStream()) {
      byte[] bytes = readLimited(in);
      if (bytes.length == 0) {
        throw HttpError.badRequest(
            "the body is empty: send image bytes or a multipart field 'file'");
      }
      return images.save(bytes, name);
    }
  }

  private static byte[] readLimited(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(ImageStore.MAX_BYTES + 1);
    if (bytes.length > ImageStore.MAX_BYTES) {
      throw HttpError.tooLarge(
          "the image is larger than " + ImageStore.MAX_BYTES / (1024 * 1024) + " MB");
    }
    return bytes;
  }
}
