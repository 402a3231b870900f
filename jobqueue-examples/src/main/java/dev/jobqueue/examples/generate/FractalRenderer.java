package dev.jobqueue.examples.generate;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * Renders a Julia set whose constant, zoom, rotation and colour palette are all derived from a
 * prompt: the same prompt always gives the same picture. Smooth (continuous) iteration colouring
 * with a cosine palette.
 */
public final class FractalRenderer {
  static final int MAX_ITERATIONS = 300;

  /** Called after each finished row; may throw to stop the render (cancel). */
  @FunctionalInterface
  public interface RowListener {
    void rowDone(int rowsDone) throws Exception;
  }

  /** The parameters a prompt selects. */
  public record Params(
      long seed, double cRe, double cIm, double zoom, double rotation, double[] phase) {}

  public static Params params(String prompt) {
    long seed = seed(prompt);
    Random r = new Random(seed);
    double angle = r.nextDouble() * 2 * Math.PI;
    double radius = 0.7885 + (r.nextDouble() - 0.5) * 0.03;
    double[] phase = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
    return new Params(
        seed,
        radius * Math.cos(angle),
        radius * Math.sin(angle),
        1.1 + r.nextDouble() * 0.7,
        r.nextDouble() * 2 * Math.PI,
        phase);
  }

  public BufferedImage render(String prompt, int width, int height, RowListener listener)
      throws Exception {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    render(prompt, out, 0, listener);
    return out;
  }

  /** Renders rows {@code fromRow} to the last into {@code out}; the rows above stay as they are. */
  public void render(String prompt, BufferedImage out, int fromRow, RowListener listener)
      throws Exception {
    Params p = params(prompt);
    int width = out.getWidth();
    int height = out.getHeight();
    double scale = 3.0 / (p.zoom() * Math.min(width, height));
    double cos = Math.cos(p.rotation());
    double sin = Math.sin(p.rotation());
    int[] row = new int[width];
    for (int y = fromRow; y < height; y++) {
      double sy = (y - height / 2.0) * scale;
      for (int x = 0; x < width; x++) {
        double sx = (x - width / 2.0) * scale;
        row[x] = colour(sx * cos - sy * sin, sx * sin + sy * cos, p);
      }
      out.setRGB(0, y, width, 1, row, 0, width);
      listener.rowDone(y + 1);
    }
  }

  private static int colour(double zr, double zi, Params p) {
    int i = 0;
    double r2 = zr * zr;
    double i2 = zi * zi;
    while (i < MAX_ITERATIONS && r2 + i2 < 256) {
      zi = 2 * zr * zi + p.cIm();
      zr = r2 - i2 + p.cRe();
      r2 = zr * zr;
      i2 = zi * zi;
      i++;
    }
    if (i == MAX_ITERATIONS) {
      return 0x0b1020;
    }
    double smooth = i + 1 - Math.log(Math.log(Math.sqrt(r2 + i2))) / Math.log(2);
    double t = Math.sqrt(Math.max(0, smooth) / MAX_ITERATIONS) * 3;
    int red = channel(t, p.phase()[0]);
    int green = channel(t, p.phase()[1]);
    int blue = channel(t, p.phase()[2]);
    return (red << 16) | (green << 8) | blue;
  }

  private static int channel(double t, double phase) {
    return (int) Math.round(255 * (0.5 + 0.5 * Math.cos(2 * Math.PI * (t + phase))));
  }

  private static long seed(String prompt) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
      long s = 0;
      for (int i = 0; i < 8; i++) {
        s = (s << 8) | (d[i] & 0xFF);
      }
      return s;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
