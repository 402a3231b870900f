package dev.jobqueue.sqlite;

import dev.jobqueue.Job;
import dev.jobqueue.JobContext;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The process that {@link CheckpointCrashTest} kills: a render of {@value #BANDS} bands that saves
 * a checkpoint after each band; after band {@value #KILLED_AFTER} it prints "READY id" and blocks
 * until the process is killed.
 */
public final class CheckpointCrashWorker {
  static final int BANDS = 10;
  static final int KILLED_AFTER = 4;

  private CheckpointCrashWorker() {}

  /** Renders the bands not in the checkpoint; blocks after {@code stopAfter} bands (or never). */
  static Map<String, Object> render(JobContext ctx, CountDownLatch stop, int stopAfter)
      throws InterruptedException {
    @SuppressWarnings("unchecked")
    List<Object> saved = (List<Object>) ctx.lastCheckpoint().getOrDefault("bands", List.of());
    List<Object> done = new ArrayList<>(saved);
    for (int band = done.size(); band < BANDS; band++) {
      done.add(band);
      ctx.checkpoint(Map.of("bands", done));
      if (band + 1 == stopAfter) {
        System.out.println("READY " + ctx.jobId());
        System.out.flush();
        stop.await();
      }
    }
    return Map.of("resumed_from", saved.size(), "attempt", ctx.attempt());
  }

  public static void main(String[] args) throws Exception {
    SqliteJobStore store = SqliteJobStore.open(Path.of(args[0]));
    CountDownLatch never = new CountDownLatch(1);
    JobQueue queue =
        JobQueue.builder()
            .store(store)
            .workers(1)
            .defaultMaxAttempts(3)
            .handler("render", ctx -> render(ctx, never, KILLED_AFTER))
            .build();
    Job j = queue.submit(JobRequest.builder("render", "render").build());
    System.err.println("submitted " + j.id());
    never.await();
  }
}
