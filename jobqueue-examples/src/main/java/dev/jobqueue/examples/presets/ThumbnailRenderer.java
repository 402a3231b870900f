package dev.jobqueue.examples.presets;

import dev.jobqueue.examples.analysis.Pixels;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/**
 * Draws a preset's preview: the source image with an overlay that shows what the analysis found
 * (palette swatches, histogram, edge map, thirds grid and subject...). Shapes only: no fonts, so it
 * works on headless servers without any installed.
 */
public final class ThumbnailRenderer {
  public static final int WIDTH = 320;
  public static final int HEIGHT = 200;

  /** Renders the preview of {@code preset} over {@code source}. */
  public BufferedImage render(Preset preset, BufferedImage source) {
    BufferedImage out = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(new Color(0x0f172a));
      g.fillRect(0, 0, WIDTH, HEIGHT);
      BufferedImage fitted = Pixels.fit(source, HEIGHT);
      int ix = (WIDTH - fitted.getWidth()) / 2;
      int iy = (HEIGHT - fitted.getHeight()) / 2;
      Map<String, Object> data = preset.data() == null ? Map.of() : preset.data();
      switch (preset.analyzer()) {
        case "edges" -> g.drawImage(sobel(fitted), ix, iy, null);
        default -> g.drawImage(fitted, ix, iy, null);
      }
      switch (preset.analyzer()) {
        case "colors" -> palette(g, data);
        case "brightness" -> histogram(g, data);
        case "composition" -> thirds(g, data, ix, iy, fitted.getWidth(), fitted.getHeight());
        case "sharpness" -> regions(g, data, ix, iy, fitted.getWidth(), fitted.getHeight());
        default -> frame(g, ix, iy, fitted.getWidth(), fitted.getHeight());
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  private static void palette(Graphics2D g, Map<String, Object> data) {
    if (!(data.get("palette") instanceof List<?> colours)) {
      return;
    }
    int x = 0;
    for (Object o : colours) {
      if (o instanceof Map<?, ?> c
          && c.get("hex") instanceof String hex
          && c.get("share") instanceof Number share) {
        int w = (int) Math.round(share.doubleValue() * WIDTH);
        g.setColor(Color.decode(hex));
        g.fillRect(x, HEIGHT - 40, Math.max(w, 2), 40);
        x += w;
      }
    }
  }

  private static void histogram(Graphics2D g, Map<String, Object> data) {
    if (!(data.get("histogram") instanceof List<?> bins) || bins.isEmpty()) {
      return;
    }
    double max = bins.stream().mapToDouble(b -> ((Number) b).doubleValue()).max().orElse(1);
    int barW = WIDTH / bins.size();
    g.setColor(new Color(15, 23, 42, 170));
    g.fillRect(0, HEIGHT - 70, WIDTH, 70);
    for (int i = 0; i < bins.size(); i++) {
      int h = (int) Math.round(((Number) bins.get(i)).doubleValue() / max * 64);
      int shade = i * 255 / Math.max(1, bins.size() - 1);
      g.setColor(new Color(shade, shade, Math.min(255, shade + 40)));
      g.fillRect(i * barW + 1, HEIGHT - 3 - h, barW - 2, h);
    }
  }

  private static void thirds(Graphics2D g, Map<String, Object> data, int x, int y, int w, int h) {
    g.setColor(new Color(255, 255, 255, 150));
    g.setStroke(new BasicStroke(1f));
    for (int i = 1; i <= 2; i++) {
      g.drawLine(x + w * i / 3, y, x + w * i / 3, y + h);
      g.drawLine(x, y + h * i / 3, x + w, y + h * i / 3);
    }
    if (data.get("center_of_mass") instanceof Map<?, ?> c
        && c.get("x") instanceof Number cx
        && c.get("y") instanceof Number cy) {
      int px = x + (int) Math.round(cx.doubleValue() * w);
      int py = y + (int) Math.round(cy.doubleValue() * h);
      g.setColor(new Color(0xf43f5e));
      g.setStroke(new BasicStroke(3f));
      g.drawOval(px - 9, py - 9, 18, 18);
    }
  }

  private static void regions(Graphics2D g, Map<String, Object> data, int x, int y, int w, int h) {
    if (!(data.get("regions") instanceof Map<?, ?> regions)) {
      return;
    }
    double max =
        regions.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(1);
    String[] names = {
      "top-left",
      "top-center",
      "top-right",
      "middle-left",
      "center",
      "middle-right",
      "bottom-left",
      "bottom-center",
      "bottom-right"
    };
    for (int i = 0; i < 9; i++) {
      double v = regions.get(names[i]) instanceof Number n ? n.doubleValue() : 0;
      int alpha = (int) Math.round(150 * (1 - (max == 0 ? 0 : v / max)));
      g.setColor(new Color(15, 23, 42, alpha));
      g.fillRect(x + w * (i % 3) / 3, y + h * (i / 3) / 3, w / 3 + 1, h / 3 + 1);
    }
  }

  private static void frame(Graphics2D g, int x, int y, int w, int h) {
    g.setColor(new Color(0x38bdf8));
    g.setStroke(new BasicStroke(2f));
    g.drawRect(x + 1, y + 1, w - 3, h - 3);
  }

  private static BufferedImage sobel(BufferedImage src) {
    Pixels.Gray gray = Pixels.gray(src);
    BufferedImage out =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 1; y < gray.height() - 1; y++) {
      for (int x = 1; x < gray.width() - 1; x++) {
        double gx =
            gray.at(x + 1, y) * 2
                + gray.at(x + 1, y - 1)
                + gray.at(x + 1, y + 1)
                - gray.at(x - 1, y) * 2
                - gray.at(x - 1, y - 1)
                - gray.at(x - 1, y + 1);
        double gy =
            gray.at(x, y + 1) * 2
                + gray.at(x - 1, y + 1)
                + gray.at(x + 1, y + 1)
                - gray.at(x, y - 1) * 2
                - gray.at(x - 1, y - 1)
                - gray.at(x + 1, y - 1);
        int v = (int) Math.min(255, Math.hypot(gx, gy) / 2);
        out.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return out;
  }
}
