package dev.jobqueue.benchmarks.sse;

/**
 * Delays in microseconds, exact below 2,048 µs and within 0.1 % above (log-linear buckets up to
 * about 2^40 µs). Not thread-safe: each client selector thread keeps its own and they are merged at
 * the end.
 */
final class Histogram {
  private static final int LINEAR = 2048;
  private static final int SUB = 1024;
  private final int[] counts = new int[LINEAR + 32 * SUB];
  private long total;
  private long max;

  void record(long micros) {
    long v = Math.max(0, micros);
    counts[index(v)]++;
    total++;
    if (v > max) {
      max = v;
    }
  }

  private static int index(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int shift = 63 - Long.numberOfLeadingZeros(v) - 10; // v >> shift is in [1024, 2048)
    if (shift > 31) {
      return LINEAR + 32 * SUB - 1;
    }
    return LINEAR + (shift - 1) * SUB + (int) ((v >> shift) - SUB);
  }

  private static long lowerBound(int i) {
    if (i < LINEAR) {
      return i;
    }
    int shift = (i - LINEAR) / SUB + 1;
    long m = (i - LINEAR) % SUB + SUB;
    return m << shift;
  }

  void add(Histogram o) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += o.counts[i];
    }
    total += o.total;
    max = Math.max(max, o.max);
  }

  long count() {
    return total;
  }

  long max() {
    return max;
  }

  /** The value at quantile q (0..1), in µs; 0 when empty. */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(lowerBound(i), max);
      }
    }
    return max;
  }
}
