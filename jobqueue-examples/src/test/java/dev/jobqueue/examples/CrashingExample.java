package dev.jobqueue.examples;

import java.nio.file.Path;

/**
 * The example app in a process of its own that dies (as by {@code kill -9}: {@code Runtime.halt},
 * no shutdown hooks, no graceful close) right after a render checkpointed band {@code args[2]}.
 * Prints {@code PORT <n>} once it listens. Args: data dir, SQLite file, band.
 */
public final class CrashingExample {
  private CrashingExample() {}

  public static void main(String[] args) throws Exception {
    int haltAfter = Integer.parseInt(args[2]);
    ExampleServer app =
        ExampleServer.start(
            new AppOptions(0, "sqlite:" + args[1], 2, Path.of(args[0])),
            new ExampleServer.Tuning(
                (jobId, bandsDone) -> {
                  if (bandsDone == haltAfter) {
                    Runtime.getRuntime().halt(CheckpointResumeTest.HALT_STATUS);
                  }
                },
                ExampleServer.Tuning.DEFAULT.cleanupEvery(),
                ExampleServer.Tuning.DEFAULT.cleanupAfter()));
    System.out.println("PORT " + app.port());
    System.out.flush();
    Thread.currentThread().join(); // until halted or killed
  }
}
