package dev.jobqueue.examples.analysis;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** Pixel helpers shared by the analyzers: scaling, RGB arrays, luminance planes. */
public final class Pixels {
  private Pixels() {}

  /** A grey plane: values 0–255, row-major. */
  public record Gray(int width, int height, float[] values) {
    public float at(int x, int y) {
      return values[y * width + x];
    }
  }

  /** An RGB copy no larger than {@code maxSide} on either side (aspect kept). */
  public static BufferedImage fit(BufferedImage src, int maxSide) {
    double scale = Math.min(1.0, (double) maxSide / Math.max(src.getWidth(), src.getHeight()));
    int w = Math.max(1, (int) Math.round(src.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(src.getHeight() * scale));
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setColor(java.awt.Color.WHITE); // transparent pixels are judged on white
      g.fillRect(0, 0, w, h);
      g.drawImage(src, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Packed 0xRRGGBB values, row-major. */
  public static int[] rgb(BufferedImage img) {
    return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
  }

  /** Rec. 709 luminance of a packed RGB value, 0–255. */
  public static float luminance(int rgb) {
    return 0.2126f * ((rgb >> 16) & 0xFF) + 0.7152f * ((rgb >> 8) & 0xFF) + 0.0722f * (rgb & 0xFF);
  }

  public static Gray gray(BufferedImage img) {
    int[] rgb = rgb(img);
    float[] v = new float[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      v[i] = luminance(rgb[i]);
    }
    return new Gray(img.getWidth(), img.getHeight(), v);
  }

  /**
   * Rows {@code [from, to)} of band {@code band} when {@code height} rows are cut in {@code bands}.
   */
  public static int bandStart(int band, int bands, int height) {
    return (int) ((long) band * height / bands);
  }

  public static String hex(int rgb) {
    return String.format("#%06x", rgb & 0xFFFFFF);
  }

  public static double round(double value, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(value * f) / f;
  }
}
