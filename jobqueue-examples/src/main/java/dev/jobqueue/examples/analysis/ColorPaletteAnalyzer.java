package dev.jobqueue.examples.analysis;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Dominant colour palette by k-means (k-means++ seeding) over a downscaled copy. */
public final class ColorPaletteAnalyzer implements Analyzer {
  private static final int K = 6;
  private static final int ITERATIONS = 10;

  @Override
  public String name() {
    return "colors";
  }

  @Override
  public String label() {
    return "Dominant colours";
  }

  @Override
  public String description() {
    return "Palette of the " + K + " dominant colours (k-means clustering) with their shares";
  }

  @Override
  public int steps() {
    return ITERATIONS + 3;
  }

  @Override
  public Map<String, Object> analyze(AnalysisInput input, Steps steps) throws Exception {
    BufferedImage small = Pixels.fit(input.pixels(), 160);
    int[] px = Pixels.rgb(small);
    steps.next("Sampled " + px.length + " pixels");
    int k = Math.min(K, px.length);
    double[][] centers = seed(px, k, new Random(42));
    steps.next("Seeded " + k + " clusters");
    int[] assign = new int[px.length];
    for (int it = 1; it <= ITERATIONS; it++) {
      assignAll(px, centers, assign);
      centers = recompute(px, assign, centers);
      steps.next("Clustering: iteration " + it + " of " + ITERATIONS);
    }
    assignAll(px, centers, assign);
    int[] counts = new int[k];
    for (int a : assign) {
      counts[a]++;
    }
    List<Map<String, Object>> palette = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      if (counts[c] == 0) {
        continue;
      }
      int rgb =
          ((int) Math.round(centers[c][0]) << 16)
              | ((int) Math.round(centers[c][1]) << 8)
              | (int) Math.round(centers[c][2]);
      Map<String, Object> colour = new LinkedHashMap<>();
      colour.put("hex", Pixels.hex(rgb));
      colour.put("share", Pixels.round((double) counts[c] / px.length, 4));
      palette.add(colour);
    }
    palette.sort(Comparator.comparingDouble(m -> -((Double) m.get("share"))));
    steps.next("Palette ready");
    Map<String, Object> dominant = palette.get(0);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "summary",
        "Dominant colour "
            + dominant.get("hex")
            + " ("
            + Math.round((Double) dominant.get("share") * 100)
            + "%), "
            + palette.size()
            + " colours");
    result.put("dominant", dominant.get("hex"));
    result.put("palette", palette);
    return result;
  }

  private static double[][] seed(int[] px, int k, Random random) {
    double[][] centers = new double[k][];
    centers[0] = rgb(px[random.nextInt(px.length)]);
    double[] dist = new double[px.length];
    for (int c = 1; c < k; c++) {
      double sum = 0;
      for (int i = 0; i < px.length; i++) {
        double best = Double.MAX_VALUE;
        for (int j = 0; j < c; j++) {
          best = Math.min(best, distance(px[i], centers[j]));
        }
        dist[i] = best;
        sum += best;
      }
      int pick = 0;
      if (sum > 0) {
        double target = random.nextDouble() * sum;
        while (pick < px.length - 1 && (target -= dist[pick]) > 0) {
          pick++;
        }
      } else {
        pick = random.nextInt(px.length);
      }
      centers[c] = rgb(px[pick]);
    }
    return centers;
  }

  private static void assignAll(int[] px, double[][] centers, int[] assign) {
    for (int i = 0; i < px.length; i++) {
      int best = 0;
      double bestD = Double.MAX_VALUE;
      for (int c = 0; c < centers.length; c++) {
        double d = distance(px[i], centers[c]);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      assign[i] = best;
    }
  }

  private static double[][] recompute(int[] px, int[] assign, double[][] old) {
    double[][] sums = new double[old.length][3];
    int[] counts = new int[old.length];
    for (int i = 0; i < px.length; i++) {
      double[] c = rgb(px[i]);
      sums[assign[i]][0] += c[0];
      sums[assign[i]][1] += c[1];
      sums[assign[i]][2] += c[2];
      counts[assign[i]]++;
    }
    double[][] next = new double[old.length][];
    for (int c = 0; c < old.length; c++) {
      next[c] =
          counts[c] == 0
              ? old[c]
              : new double[] {
                sums[c][0] / counts[c], sums[c][1] / counts[c], sums[c][2] / counts[c]
              };
    }
    return next;
  }

  private static double[] rgb(int p) {
    return new double[] {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
  }

  private static double distance(int p, double[] c) {
    double dr = ((p >> 16) & 0xFF) - c[0];
    double dg = ((p >> 8) & 0xFF) - c[1];
    double db = (p & 0xFF) - c[2];
    return dr * dr + dg * dg + db * db;
  }
}
