package dev.jobqueue.examples.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.http.HttpError;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps images as files under {@code dataDir/images}: {@code <id>.<ext>} for the bytes and {@code
 * <id>.json} for the metadata, so they survive restarts like the SQLite-stored jobs.
 */
public final class ImageStore {
  /** Largest accepted upload. */
  public static final int MAX_BYTES = 20 * 1024 * 1024;

  /** Largest accepted decoded size, against decompression bombs. */
  public static final long MAX_PIXELS = 40_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);

  private final Path dir;
  private final ObjectMapper json;
  private final Map<String, StoredImage> images = new ConcurrentHashMap<>();

  public ImageStore(Path dataDir, ObjectMapper json) throws IOException {
    this.dir = Files.createDirectories(dataDir.resolve("images"));
    this.json = json;
    load();
  }

  private void load() throws IOException {
    try (var files = Files.list(dir)) {
      for (Path meta : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        try {
          Meta m = json.readValue(meta.toFile(), Meta.class);
          ImageFormat format = ImageFormat.valueOf(m.format());
          Path file = dir.resolve(m.id() + "." + format.extension());
          if (Files.exists(file)) {
            images.put(
                m.id(),
                new StoredImage(
                    m.id(),
                    m.name(),
                    format,
                    m.width(),
                    m.height(),
                    Files.size(file),
                    m.createdAt(),
                    file));
          }
        } catch (IOException | IllegalArgumentException e) {
          LOG.warn("Skipping unreadable image metadata {}", meta, e);
        }
      }
    }
    LOG.info("Image store at {} holds {} images", dir, images.size());
  }

  /**
   * Checks and stores an image.
   *
   * @throws HttpError 415 when the bytes are not PNG/JPEG/GIF/BMP, 413 when too large, 400 when
   *     they cannot be decoded
   */
  public StoredImage save(byte[] bytes, String name) {
    if (bytes.length > MAX_BYTES) {
      throw HttpError.tooLarge("the image is larger than " + MAX_BYTES / (1024 * 1024) + " MB");
    }
    ImageFormat format =
        ImageFormat.sniff(bytes)
            .orElseThrow(
                () ->
                    HttpError.unsupportedMediaType(
                        "not an image: send PNG, JPEG, GIF or BMP bytes (recognised by their content)"));
    int[] size = dimensions(bytes);
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Path file = dir.resolve(id + "." + format.extension());
    String displayName =
        name == null || name.isBlank() ? "image." + format.extension() : clip(name.strip());
    StoredImage image =
        new StoredImage(
            id, displayName, format, size[0], size[1], bytes.length, Instant.now(), file);
    try {
      Files.write(file, bytes);
      json.writeValue(
          dir.resolve(id + ".json").toFile(),
          new Meta(id, displayName, format.name(), size[0], size[1], image.createdAt()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not store image " + id + " in " + dir, e);
    }
    images.put(id, image);
    return image;
  }

  /** Stores a rendered image as PNG. */
  public StoredImage savePng(BufferedImage rendered, String name) {
    var out = new java.io.ByteArrayOutputStream();
    try {
      ImageIO.write(rendered, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return save(out.toByteArray(), name);
  }

  public Optional<StoredImage> find(String id) {
    return Optional.ofNullable(id == null ? null : images.get(id));
  }

  /** The image, or a 404 naming the id. */
  public StoredImage get(String id) {
    return find(id).orElseThrow(() -> HttpError.notFound("no image with id '" + id + "'"));
  }

  /** Deletes an image's bytes and metadata; false when there was no such image. */
  public boolean delete(String id) {
    StoredImage image = images.remove(id);
    if (image == null) {
      return false;
    }
    try {
      Files.deleteIfExists(dir.resolve(id + ".json"));
      Files.deleteIfExists(image.file());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete image " + id + " in " + dir, e);
    }
    return true;
  }

  public List<StoredImage> list() {
    return images.values().stream()
        .sorted(Comparator.comparing(StoredImage::createdAt).reversed())
        .toList();
  }

  /** Decodes the pixels (first frame for GIFs). */
  public BufferedImage read(StoredImage image) throws IOException {
    BufferedImage pixels = ImageIO.read(image.file().toFile());
    if (pixels == null) {
      throw new IOException("image " + image.id() + " can no longer be decoded");
    }
    return pixels;
  }

  private static int[] dimensions(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw HttpError.unsupportedMediaType("no decoder for this image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w < 1 || h < 1 || (long) w * h > MAX_PIXELS) {
          throw HttpError.badRequest(
              "image dimensions " + w + "x" + h + " are outside 1.." + MAX_PIXELS + " pixels");
        }
        return new int[] {w, h};
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof HttpError h) {
        throw h;
      }
      throw HttpError.badRequest("the image is corrupt or truncated: " + e.getMessage());
    }
  }

  private static String clip(String name) {
    String flat = name.replaceAll("[\\r\\n\\t]", " ");
    return flat.length() > 120 ? flat.substring(0, 120) : flat;
  }

  private record Meta(
      String id, String name, String format, int width, int height, Instant createdAt) {}
}
