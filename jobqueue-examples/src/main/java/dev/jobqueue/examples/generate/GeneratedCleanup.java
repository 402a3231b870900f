package dev.jobqueue.examples.generate;

import dev.jobqueue.Job;
import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.Schedule;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Handler of {@code cleanup_images}, a recurring job: a user's first generation registers the
 * schedule {@code cleanup-generated-<user>} ({@link JobQueue#schedule}), whose runs delete that
 * user's generated images older than {@code maxAge}. The jobs belong to the user, so they show in
 * their task manager; a run that finds nothing of the user's left to clean deletes the schedule,
 * and the next generation registers it again.
 */
public final class GeneratedCleanup implements JobHandler {
  public static final String TYPE = "cleanup_images";

  private final Supplier<JobQueue> queue;
  private final ImageStore images;
  private final Duration every;
  private final Duration maxAge;
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  /**
   * @param every how often it runs (whole seconds)
   * @param maxAge generated images older than this are deleted
   */
  public GeneratedCleanup(
      Supplier<JobQueue> queue, ImageStore images, Duration every, Duration maxAge) {
    this.queue = queue;
    this.images = images;
    this.every = every;
    this.maxAge = maxAge;
  }

  public static String scheduleId(String user) {
    return "cleanup-generated-" + user;
  }

  /** Registers the user's cleanup schedule unless this process already did. */
  public void ensureFor(String user) {
    if (!registered.add(user)) {
      return;
    }
    String id = scheduleId(user);
    queue
        .get()
        .schedule(
            id,
            Schedule.every(every),
            JobRequest.builder(TYPE, "Cleaning up generated images older than " + human(maxAge))
                .description("Recurring: every " + human(every))
                .userId(user)
                .uniqueKey(id) // a slow run is not overtaken by the next one
                .input(Map.of("schedule_id", id))
                .build());
  }

  @Override
  public Map<String, Object> run(JobContext ctx) {
    String user = ctx.job().userId();
    Instant cutoff = Instant.now().minus(maxAge);
    int deleted = 0;
    int kept = 0;
    ctx.progress(0, "Looking for old generated images");
    for (Job j :
        queue
            .get()
            .list(
                JobQuery.builder()
                    .userId(user)
                    .type(GenerateJob.TYPE)
                    .statuses(Set.of(JobStatus.COMPLETED))
                    .limit(1000)
                    .build())) {
      Object id = j.result() == null ? null : j.result().get("image_id");
      StoredImage image = images.find(id == null ? null : id.toString()).orElse(null);
      if (image == null) {
        continue;
      }
      if (image.createdAt().isBefore(cutoff)) {
        images.delete(image.id());
        deleted++;
      } else {
        kept++;
      }
    }
    boolean rendering =
        !queue
            .get()
            .list(
                JobQuery.builder()
                    .userId(user)
                    .type(GenerateJob.TYPE)
                    .statuses(Set.of(JobStatus.QUEUED, JobStatus.RUNNING))
                    .limit(1)
                    .build())
            .isEmpty();
    if (kept == 0 && !rendering) {
      registered.remove(user);
      queue.get().deleteSchedule(scheduleIdOf(ctx));
      ctx.log("Nothing left to clean: the schedule is removed until the next generation");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("summary", deleted + " deleted, " + kept + " kept");
    result.put("deleted", deleted);
    result.put("kept", kept);
    return result;
  }

  private static String scheduleIdOf(JobContext ctx) {
    return String.valueOf(ctx.input().get("schedule_id"));
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}
