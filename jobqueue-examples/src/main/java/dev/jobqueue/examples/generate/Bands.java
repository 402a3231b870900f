package dev.jobqueue.examples.generate;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The finished row bands of one render, kept as PNG files under {@code dir/<job id>/} so that a
 * later attempt of the job can put them back instead of rendering them again.
 */
final class Bands {
  private final Path dir;

  Bands(Path root, String jobId) {
    this.dir = root.resolve(jobId);
  }

  void save(BufferedImage image, int band, int bandRows) throws IOException {
    int from = band * bandRows;
    int rows = Math.min(bandRows, image.getHeight() - from);
    Files.createDirectories(dir);
    Path tmp = dir.resolve("band-" + band + ".png.tmp");
    ImageIO.write(image.getSubimage(0, from, image.getWidth(), rows), "png", tmp.toFile());
    // a band file exists only complete, whenever the process dies
    Files.move(
        tmp,
        dir.resolve("band-" + band + ".png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Copies bands 0 to {@code count - 1} into {@code image}.
   *
   * @return false when one of them is missing or does not fit (then nothing can be resumed)
   */
  boolean restore(BufferedImage image, int count, int bandRows) throws IOException {
    for (int band = 0; band < count; band++) {
      Path file = dir.resolve("band-" + band + ".png");
      BufferedImage part = Files.exists(file) ? ImageIO.read(file.toFile()) : null;
      int from = band * bandRows;
      if (part == null
          || part.getWidth() != image.getWidth()
          || part.getHeight() != Math.min(bandRows, image.getHeight() - from)) {
        return false;
      }
      int[] rgb = part.getRGB(0, 0, part.getWidth(), part.getHeight(), null, 0, part.getWidth());
      image.setRGB(0, from, part.getWidth(), part.getHeight(), rgb, 0, part.getWidth());
    }
    return true;
  }

  void delete() {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete the bands in " + dir, e);
    }
  }
}
