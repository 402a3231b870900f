package dev.jobqueue.benchmarks;

import dev.jobqueue.sqlite.soak.SoakEngine;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The long soak: {@code --ops} random model-checked operations (1,000,000 by default) of {@link
 * SoakEngine}, split over {@code --engines} independent queues (4 by default, each on its own
 * SQLite file with seed {@code --seed + i}), since each engine waits on its queue most of the time.
 * Prints operations, invariant checks, reopens, wall time and the load average; exits 1 with the
 * seed on the first violation.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.jobqueue.benchmarks.Soak --ops 1000000</pre>
 */
public final class Soak {
  private Soak() {}

  public static void main(String[] args) throws Exception {
    long ops = 1_000_000;
    int engines = 4;
    long seed = System.nanoTime();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ops" -> ops = Long.parseLong(args[++i]);
        case "--engines" -> engines = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        default -> {
          System.err.println("usage: Soak [--ops N] [--engines N] [--seed N]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("jobqueue-soak");
    System.out.printf(
        "soak: %,d operations on %d engines, seeds %d..%d, files in %s%n",
        ops, engines, seed, seed + engines - 1, dir);
    ExecutorService pool = Executors.newFixedThreadPool(engines);
    List<Future<SoakEngine.Result>> runs = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < engines; i++) {
      long share = ops / engines + (i < ops % engines ? 1 : 0);
      long s = seed + i;
      Path file = dir.resolve("soak-" + i + ".db");
      boolean first = i == 0;
      runs.add(pool.submit(() -> SoakEngine.run(file, s, share, first ? System.out : null)));
    }
    long operations = 0;
    long checks = 0;
    long reopens = 0;
    Map<String, Long> kinds = new TreeMap<>();
    try {
      for (Future<SoakEngine.Result> f : runs) {
        SoakEngine.Result r = f.get();
        System.out.println(r);
        operations += r.operations();
        checks += r.checks();
        reopens += r.reopens();
        r.ops().forEach((k, v) -> kinds.merge(k, v, Long::sum));
      }
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("SOAK FAILED: " + e.getCause());
      e.getCause().printStackTrace();
      System.exit(1);
    } finally {
      pool.shutdownNow();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    // kept on a violation, for a look at the file; nothing to see otherwise
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    System.out.printf(
        "soak: %,d operations, %,d invariant checks, %,d reopens, wall %.1f s (%.0f ops/s),"
            + " load average %.2f, 0 violations%n  by kind %s%n",
        operations,
        checks,
        reopens,
        wall,
        operations / wall,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        kinds);
  }
}
