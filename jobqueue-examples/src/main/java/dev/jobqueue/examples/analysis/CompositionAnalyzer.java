package dev.jobqueue.examples.analysis;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Composition: a saliency map (local gradient plus colour distance from the mean colour), the
 * centre of mass of what stands out, the nearest rule-of-thirds power point and the visual balance.
 */
public final class CompositionAnalyzer implements Analyzer {
  private static final int BANDS = 4;
  private static final double MAX_THIRDS_DISTANCE = Math.hypot(1.0 / 3, 1.0 / 3);

  @Override
  public String name() {
    return "composition";
  }

  @Override
  public String label() {
    return "Composition";
  }

  @Override
  public String description() {
    return "Saliency centre of mass, rule-of-thirds score and left/right, top/bottom balance";
  }

  @Override
  public int steps() {
    return BANDS + 3;
  }

  @Override
  public Map<String, Object> analyze(AnalysisInput input, Steps steps) throws Exception {
    BufferedImage small = Pixels.fit(input.pixels(), 256);
    int w = small.getWidth();
    int h = small.getHeight();
    int[] rgb = Pixels.rgb(small);
    double mr = 0;
    double mg = 0;
    double mb = 0;
    for (int p : rgb) {
      mr += (p >> 16) & 0xFF;
      mg += (p >> 8) & 0xFF;
      mb += p & 0xFF;
    }
    mr /= rgb.length;
    mg /= rgb.length;
    mb /= rgb.length;
    steps.next("Mean colour computed");
    Pixels.Gray g = Pixels.gray(small);
    double[] saliency = new double[w * h];
    for (int b = 0; b < BANDS; b++) {
      int from = Pixels.bandStart(b, BANDS, h);
      int to = Pixels.bandStart(b + 1, BANDS, h);
      for (int y = from; y < to; y++) {
        for (int x = 0; x < w; x++) {
          int p = rgb[y * w + x];
          double colour =
              Math.sqrt(
                  sq(((p >> 16) & 0xFF) - mr) + sq(((p >> 8) & 0xFF) - mg) + sq((p & 0xFF) - mb));
          double gx = g.at(Math.min(w - 1, x + 1), y) - g.at(Math.max(0, x - 1), y);
          double gy = g.at(x, Math.min(h - 1, y + 1)) - g.at(x, Math.max(0, y - 1));
          saliency[y * w + x] = colour + 0.5 * Math.hypot(gx, gy);
        }
      }
      steps.next("Saliency: rows " + from + "–" + to + " of " + h);
    }
    // only what stands out counts: weight = (saliency above its mean)², so a uniform background
    // with a faint colour cast does not pull the centre of mass to the middle
    double mean = java.util.Arrays.stream(saliency).average().orElse(0);
    for (int i = 0; i < saliency.length; i++) {
      double above = Math.max(0, saliency[i] - mean);
      saliency[i] = above * above;
    }
    double total = 0;
    double cx = 0;
    double cy = 0;
    double left = 0;
    double top = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = saliency[y * w + x];
        total += s;
        cx += s * (x + 0.5) / w;
        cy += s * (y + 0.5) / h;
        if (x < w / 2) {
          left += s;
        }
        if (y < h / 2) {
          top += s;
        }
      }
    }
    if (total == 0) {
      total = 1;
      cx = 0.5;
      cy = 0.5;
      left = 0.5;
      top = 0.5;
    }
    cx /= total;
    cy /= total;
    steps.next("Centre of mass found");
    double bestDistance = Double.MAX_VALUE;
    double px = 0;
    double py = 0;
    for (double tx : new double[] {1.0 / 3, 2.0 / 3}) {
      for (double ty : new double[] {1.0 / 3, 2.0 / 3}) {
        double d = Math.hypot(cx - tx, cy - ty);
        if (d < bestDistance) {
          bestDistance = d;
          px = tx;
          py = ty;
        }
      }
    }
    double thirdsScore = Math.max(0, 1 - bestDistance / MAX_THIRDS_DISTANCE);
    double centreDistance = Math.hypot(cx - 0.5, cy - 0.5);
    String verdict =
        bestDistance < 0.08
            ? "follows the rule of thirds"
            : centreDistance < 0.08 ? "centred subject" : "free composition";
    steps.next("Rule-of-thirds score ready");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "summary",
        "Subject at ("
            + Pixels.round(cx, 2)
            + ", "
            + Pixels.round(cy, 2)
            + "): "
            + verdict
            + ", thirds score "
            + Math.round(thirdsScore * 100)
            + "%");
    result.put("center_of_mass", Map.of("x", Pixels.round(cx, 4), "y", Pixels.round(cy, 4)));
    result.put("nearest_power_point", Map.of("x", Pixels.round(px, 4), "y", Pixels.round(py, 4)));
    result.put("thirds_score", Pixels.round(thirdsScore, 4));
    result.put("balance_left", Pixels.round(left / total, 4));
    result.put("balance_top", Pixels.round(top / total, 4));
    result.put("verdict", verdict);
    return result;
  }

  private static double sq(double v) {
    return v * v;
  }
}
