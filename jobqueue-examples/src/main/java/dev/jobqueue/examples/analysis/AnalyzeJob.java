package dev.jobqueue.examples.analysis;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import dev.jobqueue.examples.presets.Preset;
import dev.jobqueue.examples.presets.PresetStore;
import dev.jobqueue.examples.presets.ThumbnailJob;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Handler of {@code analyze} jobs: runs one analyzer on one image, saves the result as a preset and
 * submits the preset's {@code generate_thumbnail} job as an optional child (a failed preview only
 * adds a warning): of this job, or, inside a comprehensive analysis, of the comprehensive parent,
 * so that the parent waits for every preview and reports a failed one itself.
 *
 * <p>Input: {@code image_id}, {@code analyzer}, optional {@code pace_ms} (pause per step, to make
 * progress visible), {@code fail_first_attempts} (fail that many attempts on purpose, to show
 * failure and retry), {@code fail_thumbnail} and {@code preview_under_parent}.
 */
public final class AnalyzeJob implements JobHandler {
  public static final String TYPE = "analyze";

  /** Input flag: the preview becomes a child of this job's parent instead of this job's. */
  public static final String PREVIEW_UNDER_PARENT = "preview_under_parent";

  private final Analyzers analyzers;
  private final ImageStore images;
  private final PresetStore presets;
  private final Supplier<JobQueue> queue;

  /** {@code queue} submits previews to a parent; it is asked only once jobs run. */
  public AnalyzeJob(
      Analyzers analyzers, ImageStore images, PresetStore presets, Supplier<JobQueue> queue) {
    this.analyzers = analyzers;
    this.images = images;
    this.presets = presets;
    this.queue = queue;
  }

  /** The request of an analysis job, shared by the single and comprehensive endpoints. */
  public static JobRequest.Builder request(
      Analyzer analyzer, StoredImage image, Map<String, Object> options) {
    Map<String, Object> input = new LinkedHashMap<>(options);
    input.put("image_id", image.id());
    input.put("analyzer", analyzer.name());
    return JobRequest.builder(
            TYPE,
            "Analyzing "
                + analyzer.label().toLowerCase(java.util.Locale.ROOT)
                + " of "
                + image.name())
        .description(analyzer.description())
        .totalSteps(analyzer.steps() + 1)
        .input(input);
  }

  @Override
  public Map<String, Object> run(JobContext ctx) throws Exception {
    Map<String, Object> in = ctx.input();
    Analyzer analyzer = analyzers.get(Inputs.text(in, "analyzer"));
    StoredImage image = images.get(Inputs.text(in, "image_id"));
    Duration pace = Inputs.millis(in, "pace_ms");
    Steps steps = new Steps(ctx, analyzer.steps() + 1, pace);
    BufferedImage pixels = images.read(image);
    steps.next("Decoded " + pixels.getWidth() + "×" + pixels.getHeight() + " pixels");
    int failFirst = Inputs.integer(in, "fail_first_attempts", 0);
    if (ctx.attempt() <= failFirst) {
      throw new IllegalStateException(
          "Simulated failure of the '"
              + analyzer.name()
              + "' analyzer on attempt "
              + ctx.attempt()
              + " (the request asked for fail_first_attempts="
              + failFirst
              + ").\nA real analyzer fails like this when its model server times out: "
              + "java.net.SocketTimeoutException: Read timed out after 30000 ms.\n"
              + (ctx.attempt() < failFirst
                  ? "Retry: attempt " + (ctx.attempt() + 1) + " will fail too."
                  : "Retry the task: attempt " + (ctx.attempt() + 1) + " will succeed."));
    }
    Map<String, Object> data = analyzer.analyze(new AnalysisInput(image, pixels), steps);
    String summary = String.valueOf(data.get("summary"));
    Preset preset =
        presets.create(
            analyzer.label() + " of " + image.name(),
            analyzer.name(),
            image.id(),
            summary,
            data,
            ctx.jobId());
    JobRequest.Builder preview =
        ThumbnailJob.request(preset, pace, Inputs.bool(in, "fail_thumbnail"))
            .priority(ctx.job().priority());
    String parent = ctx.job().parentJobId();
    JobQueue jobs = queue.get(); // null only for a job recovered while the queue was being built
    if (parent != null && jobs != null && Inputs.bool(in, PREVIEW_UNDER_PARENT)) {
      // submitted while this child still runs, so the parent cannot complete before it exists
      jobs.submit(preview.parent(parent).userId(ctx.job().userId()).build());
    } else {
      ctx.spawn(preview.build());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("summary", summary);
    result.put("analyzer", analyzer.name());
    result.put("preset_id", preset.id());
    result.put("url", preset.url());
    result.put("preview_url", "/api/presets/" + preset.id() + "/thumbnail");
    result.put("image_id", image.id());
    result.put("data", data);
    return result;
  }
}
