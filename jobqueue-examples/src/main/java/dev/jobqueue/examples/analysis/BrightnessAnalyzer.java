package dev.jobqueue.examples.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Luminance histogram, mean brightness, RMS contrast, percentiles and clipping. */
public final class BrightnessAnalyzer implements Analyzer {
  private static final int BANDS = 8;

  @Override
  public String name() {
    return "brightness";
  }

  @Override
  public String label() {
    return "Brightness & contrast";
  }

  @Override
  public String description() {
    return "Luminance histogram, mean brightness, RMS contrast, clipping and an exposure verdict";
  }

  @Override
  public int steps() {
    return BANDS + 1;
  }

  @Override
  public Map<String, Object> analyze(AnalysisInput input, Steps steps) throws Exception {
    Pixels.Gray g = Pixels.gray(Pixels.fit(input.pixels(), 1024));
    long[] histogram = new long[256];
    double sum = 0;
    double sumSq = 0;
    for (int b = 0; b < BANDS; b++) {
      int from = Pixels.bandStart(b, BANDS, g.height());
      int to = Pixels.bandStart(b + 1, BANDS, g.height());
      for (int i = from * g.width(); i < to * g.width(); i++) {
        float v = g.values()[i];
        histogram[Math.min(255, (int) v)]++;
        sum += v;
        sumSq += v * v;
      }
      steps.next("Histogram: rows " + from + "–" + to + " of " + g.height());
    }
    long n = g.values().length;
    double mean = sum / n;
    double contrast = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    int p5 = percentile(histogram, n, 0.05);
    int p50 = percentile(histogram, n, 0.50);
    int p95 = percentile(histogram, n, 0.95);
    double shadows = (histogram[0] + histogram[1] + histogram[2]) / (double) n;
    double highlights = (histogram[253] + histogram[254] + histogram[255]) / (double) n;
    List<Double> bins = new ArrayList<>();
    for (int bin = 0; bin < 32; bin++) {
      long c = 0;
      for (int v = bin * 8; v < bin * 8 + 8; v++) {
        c += histogram[v];
      }
      bins.add(Pixels.round((double) c / n, 4));
    }
    String exposure =
        mean < 70 && p95 < 180
            ? "underexposed"
            : mean > 185 && p5 > 80 ? "overexposed" : "balanced";
    String contrastVerdict = contrast < 30 ? "low" : contrast > 75 ? "high" : "normal";
    steps.next("Statistics ready");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "summary",
        "Mean brightness "
            + Math.round(mean)
            + "/255, "
            + contrastVerdict
            + " contrast ("
            + Math.round(contrast)
            + "), "
            + exposure);
    result.put("mean", Pixels.round(mean, 2));
    result.put("contrast_rms", Pixels.round(contrast, 2));
    result.put("p5", p5);
    result.put("median", p50);
    result.put("p95", p95);
    result.put("clipped_shadows", Pixels.round(shadows, 4));
    result.put("clipped_highlights", Pixels.round(highlights, 4));
    result.put("exposure", exposure);
    result.put("contrast", contrastVerdict);
    result.put("histogram", bins);
    return result;
  }

  private static int percentile(long[] histogram, long n, double q) {
    long target = (long) Math.ceil(q * n);
    long seen = 0;
    for (int v = 0; v < 256; v++) {
      seen += histogram[v];
      if (seen >= target) {
        return v;
      }
    }
    return 255;
  }
}
