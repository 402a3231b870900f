package dev.jobqueue.examples.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

/** Sharpness as the variance of the Laplacian, for the whole image and a 3×3 grid of regions. */
public final class SharpnessAnalyzer implements Analyzer {
  private static final int BANDS = 8;

  @Override
  public String name() {
    return "sharpness";
  }

  @Override
  public String label() {
    return "Sharpness";
  }

  @Override
  public String description() {
    return "Focus measure: variance of the Laplacian overall and per region, with a blur verdict";
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
    double[][] sum = new double[3][3];
    double[][] sumSq = new double[3][3];
    long[][] count = new long[3][3];
    for (int b = 0; b < BANDS; b++) {
      int from = Math.max(1, Pixels.bandStart(b, BANDS, h));
      int to = Math.min(h - 1, Pixels.bandStart(b + 1, BANDS, h));
      for (int y = from; y < to; y++) {
        for (int x = 1; x < w - 1; x++) {
          double lap =
              g.at(x - 1, y) + g.at(x + 1, y) + g.at(x, y - 1) + g.at(x, y + 1) - 4 * g.at(x, y);
          int rx = Math.min(2, x * 3 / w);
          int ry = Math.min(2, y * 3 / h);
          sum[ry][rx] += lap;
          sumSq[ry][rx] += lap * lap;
          count[ry][rx]++;
        }
      }
      steps.next("Laplacian: rows " + from + "–" + to + " of " + h);
    }
    double total = 0;
    double totalSq = 0;
    long n = 0;
    double best = -1;
    String bestRegion = "center";
    String[] rows = {"top", "middle", "bottom"};
    String[] cols = {"left", "center", "right"};
    Map<String, Object> regions = new LinkedHashMap<>();
    for (int ry = 0; ry < 3; ry++) {
      for (int rx = 0; rx < 3; rx++) {
        total += sum[ry][rx];
        totalSq += sumSq[ry][rx];
        n += count[ry][rx];
        double v = variance(sum[ry][rx], sumSq[ry][rx], count[ry][rx]);
        String name = ry == 1 && rx == 1 ? "center" : rows[ry] + "-" + cols[rx];
        regions.put(name, Pixels.round(v, 1));
        if (v > best) {
          best = v;
          bestRegion = name;
        }
      }
    }
    double variance = variance(total, totalSq, n);
    String verdict = variance < 60 ? "blurry" : variance < 300 ? "soft" : "sharp";
    steps.next("Focus measure ready");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "summary",
        "Laplacian variance "
            + Math.round(variance)
            + " ("
            + verdict
            + "), sharpest region "
            + bestRegion);
    result.put("laplacian_variance", Pixels.round(variance, 2));
    result.put("verdict", verdict);
    result.put("sharpest_region", bestRegion);
    result.put("regions", regions);
    return result;
  }

  private static double variance(double sum, double sumSq, long n) {
    if (n == 0) {
      return 0;
    }
    double mean = sum / n;
    return Math.max(0, sumSq / n - mean * mean);
  }
}
