package dev.jobqueue.examples.analysis;

import java.util.Map;

/** Computes something from an image's pixels, reporting progress by steps. */
public interface Analyzer {
  /** The name used in URLs, e.g. {@code colors}. */
  String name();

  /** A short label for people, e.g. "Dominant colours". */
  String label();

  String description();

  /** How many steps {@link #analyze} reports. */
  int steps();

  /**
   * Runs the analysis. The result is a JSON-like map whose {@code summary} entry is a one-line
   * description for people.
   */
  Map<String, Object> analyze(AnalysisInput input, Steps steps) throws Exception;
}
