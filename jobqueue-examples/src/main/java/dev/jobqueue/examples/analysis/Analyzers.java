package dev.jobqueue.examples.analysis;

import dev.jobqueue.examples.http.HttpError;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The registry of analyzers, by name. */
public final class Analyzers {
  private final Map<String, Analyzer> byName = new LinkedHashMap<>();

  public Analyzers(List<Analyzer> analyzers) {
    for (Analyzer a : analyzers) {
      if (byName.putIfAbsent(a.name(), a) != null) {
        throw new IllegalArgumentException("two analyzers are named '" + a.name() + "'");
      }
    }
  }

  /** The six built-in analyzers. */
  public static Analyzers builtIn() {
    return new Analyzers(
        List.of(
            new ColorPaletteAnalyzer(),
            new BrightnessAnalyzer(),
            new SharpnessAnalyzer(),
            new EdgeAnalyzer(),
            new CompositionAnalyzer(),
            new MetadataAnalyzer()));
  }

  /** The analyzer, or a 404 listing the known names. */
  public Analyzer get(String name) {
    Analyzer a = byName.get(name);
    if (a == null) {
      throw HttpError.notFound(
          "no analyzer named '" + name + "'; known: " + String.join(", ", byName.keySet()));
    }
    return a;
  }

  public Collection<Analyzer> all() {
    return byName.values();
  }
}
