package dev.jobqueue.examples.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/** Edge density and orientation from Sobel gradients. */
public final class EdgeAnalyzer implements Analyzer {
  private static final int BANDS = 8;

  /** Gradient magnitude (0–255 scale input) above which a pixel counts as an edge. */
  static final double EDGE_THRESHOLD = 100;

  @Override
  public String name() {
    return "edges";
  }

  @Override
  public String label() {
    return "Edge density";
  }

  @Override
  public String description() {
    return "Share of edge pixels (Sobel gradient) and the dominant edge orientation";
  }

  @Override
  public int steps() {
    return BANDS + 2;
  }

  @Override
  public Map<String, Object> analyze(AnalysisInput input, Steps steps) throws Exception {
    Pixels.Gray g = Pixels.gray(Pixels.fit(input.pixels(), 1024));
    steps.next("Converted to greyscale " + g.width() + "×" + g.height());
    int w = g.width();
    int h = g.height();
    long edges = 0;
    long n = 0;
    double magnitudeSum = 0;
    double[] orientation = new double[4]; // edge direction in 45° bins from horizontal
    for (int b = 0; b < BANDS; b++) {
      int from = Math.max(1, Pixels.bandStart(b, BANDS, h));
      int to = Math.min(h - 1, Pixels.bandStart(b + 1, BANDS, h));
      for (int y = from; y < to; y++) {
        for (int x = 1; x < w - 1; x++) {
          double gx =
              -g.at(x - 1, y - 1)
                  - 2 * g.at(x - 1, y)
                  - g.at(x - 1, y + 1)
                  + g.at(x + 1, y - 1)
                  + 2 * g.at(x + 1, y)
                  + g.at(x + 1, y + 1);
          double gy =
              -g.at(x - 1, y - 1)
                  - 2 * g.at(x, y - 1)
                  - g.at(x + 1, y - 1)
                  + g.at(x - 1, y + 1)
                  + 2 * g.at(x, y + 1)
                  + g.at(x + 1, y + 1);
          double mag = Math.hypot(gx, gy);
          magnitudeSum += mag;
          n++;
          if (mag > EDGE_THRESHOLD) {
            edges++;
            // the edge runs perpendicular to the gradient
            double angle = Math.toDegrees(Math.atan2(gy, gx)) + 90;
            int bin = (int) Math.floorMod(Math.round(angle / 45), 4L);
            orientation[bin] += mag;
          }
        }
      }
      steps.next("Sobel: rows " + from + "–" + to + " of " + h);
    }
    // image y grows downwards: 45° runs down-right
    String[] names = {"horizontal", "diagonal-falling", "vertical", "diagonal-rising"};
    double orientationTotal = orientation[0] + orientation[1] + orientation[2] + orientation[3];
    Map<String, Object> shares = new LinkedHashMap<>();
    int dominant = 0;
    for (int i = 0; i < 4; i++) {
      shares.put(
          names[i],
          orientationTotal == 0 ? 0.0 : Pixels.round(orientation[i] / orientationTotal, 4));
      if (orientation[i] > orientation[dominant]) {
        dominant = i;
      }
    }
    double density = n == 0 ? 0 : (double) edges / n;
    String busy = density < 0.02 ? "smooth" : density < 0.12 ? "moderately detailed" : "busy";
    steps.next("Edge statistics ready");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "summary",
        "Edge density "
            + Pixels.round(density * 100, 1)
            + "% ("
            + busy
            + ")"
            + (orientationTotal == 0 ? "" : ", mostly " + names[dominant] + " edges"));
    result.put("edge_density", Pixels.round(density, 5));
    result.put("mean_gradient", Pixels.round(n == 0 ? 0 : magnitudeSum / n, 2));
    result.put("dominant_orientation", orientationTotal == 0 ? null : names[dominant]);
    result.put("orientation", shares);
    result.put("character", busy);
    return result;
  }
}
