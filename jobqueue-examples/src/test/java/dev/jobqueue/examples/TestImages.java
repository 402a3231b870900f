package dev.jobqueue.examples;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Images drawn in code for the tests. */
final class TestImages {
  private TestImages() {}

  /** A busy, colourful scene: sky gradient, a sun, stripes and noise-free shapes. */
  static BufferedImage scene(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    for (int y = 0; y < h; y++) {
      g.setColor(new Color(40 + 100 * y / h, 90 + 80 * y / h, 200 - 60 * y / h));
      g.drawLine(0, y, w, y);
    }
    g.setColor(new Color(250, 200, 40));
    g.fillOval(w * 2 / 3 - w / 10, h / 3 - w / 10, w / 5, w / 5);
    g.setColor(new Color(30, 110, 50));
    g.fillRect(0, h * 3 / 4, w, h / 4);
    g.setColor(new Color(120, 60, 30));
    for (int x = 0; x < w; x += Math.max(4, w / 24)) {
      g.fillRect(x, h * 3 / 4 - h / 10, Math.max(2, w / 60), h / 10);
    }
    g.dispose();
    return img;
  }

  static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalArgumentException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] png(int w, int h) {
    return encode(scene(w, h), "png");
  }
}
