package dev.jobqueue.examples.presets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.http.HttpError;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Presets as JSON files (and thumbnails as PNGs) under {@code dataDir/presets}. */
public final class PresetStore {
  private static final Logger LOG = LoggerFactory.getLogger(PresetStore.class);

  private final Path dir;
  private final ObjectMapper json;
  private final Map<String, Preset> presets = new ConcurrentHashMap<>();

  public PresetStore(Path dataDir, ObjectMapper json) throws IOException {
    this.dir = Files.createDirectories(dataDir.resolve("presets"));
    this.json = json;
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        try {
          Preset preset = json.readValue(p.toFile(), Preset.class);
          presets.put(preset.id(), preset);
        } catch (IOException e) {
          LOG.warn("Skipping unreadable preset {}", p, e);
        }
      }
    }
  }

  public Preset create(
      String name,
      String analyzer,
      String imageId,
      String summary,
      Map<String, Object> data,
      String jobId) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Preset preset =
        new Preset(id, name, analyzer, imageId, summary, data, jobId, Instant.now(), false);
    write(preset);
    return preset;
  }

  public Optional<Preset> find(String id) {
    return Optional.ofNullable(id == null ? null : presets.get(id));
  }

  public Preset get(String id) {
    return find(id).orElseThrow(() -> HttpError.notFound("no preset with id '" + id + "'"));
  }

  public List<Preset> list() {
    return presets.values().stream()
        .sorted(Comparator.comparing(Preset::createdAt).reversed())
        .toList();
  }

  /** Stores the preview of preset {@code id}. */
  public Preset saveThumbnail(String id, BufferedImage thumbnail) {
    Preset preset = get(id);
    try {
      Path tmp = dir.resolve(id + ".png.tmp");
      ImageIO.write(thumbnail, "png", tmp.toFile());
      Files.move(tmp, thumbnailFile(id), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the thumbnail of preset " + id, e);
    }
    Preset updated = preset.withThumbnail();
    write(updated);
    return updated;
  }

  public Path thumbnailFile(String id) {
    return dir.resolve(id + ".png");
  }

  private void write(Preset preset) {
    try {
      json.writeValue(dir.resolve(preset.id() + ".json").toFile(), preset);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write preset " + preset.id(), e);
    }
    presets.put(preset.id(), preset);
  }
}
