package dev.jobqueue.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.sqlite.soak.SoakEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few seconds of the randomized model-based soak (the long run is {@code
 * dev.jobqueue.benchmarks.Soak}). A new seed each run; a failure names it, and {@code
 * -Djobqueue.soak.seed=N} replays it.
 */
class SoakTest {
  @TempDir Path dir;

  @Test
  void randomOperationsKeepEveryInvariantAcrossReopens() {
    long seed = Long.getLong("jobqueue.soak.seed", System.nanoTime());
    long ops = Long.getLong("jobqueue.soak.ops", 1_500);
    System.out.println("soak seed=" + seed + " (replay with -Djobqueue.soak.seed=" + seed + ")");
    SoakEngine.Result r = SoakEngine.run(dir.resolve("soak.db"), seed, ops, System.out);
    System.out.println(r);
    assertThat(r.operations()).isEqualTo(ops);
    assertThat(r.reopens()).as("reopens").isPositive();
    assertThat(r.ops()).containsKeys("submit", "complete", "fail", "cancel", "retry", "delete");
    assertThat(r.checks()).isGreaterThan(ops);
  }
}
