package dev.jobqueue.examples.presets;

import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobTracker;
import dev.jobqueue.examples.images.ImageStore;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-renders a preset's preview as work the app runs itself, on its own thread, and only reports
 * through {@link JobTracker}: create → start → progress → complete or fail, as the seed's {@code
 * generate_thumbnail} example does. The jobs look the same as those of {@link ThumbnailJob}, which
 * the queue's workers run; the example shows both ways side by side.
 */
public final class TrackedPreview implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrackedPreview.class);
  private static final int STEPS = 3;

  private final JobTracker tracker;
  private final PresetStore presets;
  private final ImageStore images;
  private final ThumbnailRenderer renderer = new ThumbnailRenderer();
  // the host's own worker: the queue never runs a tracked job
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "example-preview");
            t.setDaemon(true);
            return t;
          });

  public TrackedPreview(JobTracker tracker, PresetStore presets, ImageStore images) {
    this.tracker = tracker;
    this.presets = presets;
    this.images = images;
  }

  /**
   * Creates the tracked job of {@code userId} and starts rendering in the background. {@code pace}
   * pauses between steps (to make progress visible); {@code fail} fails on purpose, after loading.
   */
  public Job start(Preset preset, String userId, Duration pace, boolean fail) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("preset_id", preset.id());
    Job job =
        tracker.create(
            JobRequest.builder(
                    ThumbnailJob.TYPE,
                    "Generating preview for " + preset.id().substring(0, 8) + "...")
                .description("Preview of the preset “" + preset.name() + "”, rendered by the app")
                .userId(userId)
                .totalSteps(STEPS)
                .input(input)
                .build());
    executor.execute(() -> render(job.id(), preset, pace, fail));
    return job;
  }

  private void render(String jobId, Preset preset, Duration pace, boolean fail) {
    try {
      tracker.start(jobId);
      BufferedImage source = images.read(images.get(preset.imageId()));
      step(jobId, 1, "Loaded the source image", pace);
      if (fail) {
        throw new IllegalStateException(
            "Simulated preview failure for preset " + preset.id() + " (the request asked for it)");
      }
      BufferedImage thumbnail = renderer.render(preset, source);
      step(jobId, 2, "Rendered the preview", pace);
      presets.saveThumbnail(preset.id(), thumbnail);
      step(jobId, STEPS, "Saved", Duration.ZERO);
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("summary", "Preview of " + preset.name());
      result.put("preset_id", preset.id());
      result.put("preview_path", presets.thumbnailFile(preset.id()).getFileName().toString());
      result.put("preview_url", "/api/presets/" + preset.id() + "/thumbnail");
      tracker.complete(jobId, result);
    } catch (JobCancelledException e) {
      LOG.debug("Preview job {} was cancelled", jobId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failQuietly(jobId, "interrupted: the app stopped while rendering this preview");
    } catch (Exception e) {
      failQuietly(jobId, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private void step(String jobId, int step, String message, Duration pace)
      throws InterruptedException {
    tracker.progress(jobId, step, STEPS, message);
    if (!pace.isZero()) {
      Thread.sleep(pace.toMillis());
    }
  }

  private void failQuietly(String jobId, String error) {
    try {
      tracker.fail(jobId, error);
    } catch (JobStateException e) {
      LOG.debug("Preview job {} had already ended: {}", jobId, e.getMessage());
    }
  }

  /** Stops rendering; a preview still running is failed by the interrupt. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("Preview rendering did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
