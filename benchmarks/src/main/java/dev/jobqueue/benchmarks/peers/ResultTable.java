package dev.jobqueue.benchmarks.peers;

import dev.jobqueue.benchmarks.peers.PeersRunner.Latency;
import dev.jobqueue.benchmarks.peers.PeersRunner.Result;
import dev.jobqueue.benchmarks.peers.PeersRunner.Storage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The markdown table of a run, with each row's ratio to the best peer of its storage class. */
final class ResultTable {
  private ResultTable() {}

  static String render(List<Result> results) {
    Map<Storage, Double> bestPeer = new EnumMap<>(Storage.class);
    for (Result r : results) {
      if (r.error() == null && !r.c().jobqueue()) {
        bestPeer.merge(r.c().storage(), r.perSecond(), Math::max);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        "| system | storage | workload | N | time | jobs/s | vs best peer, same storage"
            + " | submit→start p50 | p99 (samples) |\n");
    out.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Result r : results) {
      out.append("| ")
          .append(r.c().jobqueue() ? "**" + r.c().system() + "**" : r.c().system())
          .append(" | ")
          .append(r.c().storage())
          .append(" | ")
          .append(r.c().workload())
          .append(" | ")
          .append(String.format("%,d", r.c().n()))
          .append(" | ");
      if (r.error() != null) {
        out.append("failed: ").append(r.error().replace('|', '/')).append(" | | | | |\n");
        continue;
      }
      Double best = bestPeer.get(r.c().storage());
      out.append(String.format("%.2f s", r.seconds()))
          .append(" | ")
          .append(String.format("%,.0f", r.perSecond()))
          .append(" | ")
          .append(best == null ? "—" : String.format("%.2f×", r.perSecond() / best))
          .append(" | ");
      Latency l = r.latency();
      if (l == null) {
        out.append("— | — |\n");
      } else {
        out.append(duration(l.p50Nanos()))
            .append(" | ")
            .append(duration(l.p99Nanos()))
            .append(" (")
            .append(l.samples())
            .append(") |\n");
      }
    }
    return out.toString();
  }

  static String duration(long nanos) {
    if (nanos < 1_000_000) {
      return String.format("%.0f µs", nanos / 1e3);
    }
    if (nanos < 1_000_000_000) {
      return String.format("%.1f ms", nanos / 1e6);
    }
    return String.format("%.2f s", nanos / 1e9);
  }
}
