package dev.jobqueue.examples.presets;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.analysis.Steps;
import dev.jobqueue.examples.images.ImageStore;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Handler of {@code generate_thumbnail}: renders a preset's preview image. */
public final class ThumbnailJob implements JobHandler {
  public static final String TYPE = "generate_thumbnail";

  private final PresetStore presets;
  private final ImageStore images;
  private final ThumbnailRenderer renderer = new ThumbnailRenderer();

  public ThumbnailJob(PresetStore presets, ImageStore images) {
    this.presets = presets;
    this.images = images;
  }

  /** An optional job (its failure only warns the parent) rendering {@code preset}'s preview. */
  public static JobRequest.Builder request(Preset preset, Duration pace, boolean fail) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("preset_id", preset.id());
    input.put("pace_ms", pace.toMillis());
    input.put("fail", fail);
    return JobRequest.builder(TYPE, "Generating preview for " + preset.id().substring(0, 8) + "…")
        .description("Preview of the preset “" + preset.name() + "”")
        .optional(true)
        .input(input);
  }

  @Override
  public Map<String, Object> run(JobContext ctx) throws Exception {
    Map<String, Object> in = ctx.input();
    Steps steps = new Steps(ctx, 3, Inputs.millis(in, "pace_ms"));
    Preset preset = presets.get(Inputs.text(in, "preset_id"));
    BufferedImage source = images.read(images.get(preset.imageId()));
    steps.next("Loaded the source image");
    if (Inputs.bool(in, "fail")) {
      throw new IllegalStateException(
          "Simulated thumbnail failure for preset "
              + preset.id()
              + " (the request asked for fail_thumbnail=true)");
    }
    BufferedImage thumbnail = renderer.render(preset, source);
    steps.next("Rendered " + ThumbnailRenderer.WIDTH + "×" + ThumbnailRenderer.HEIGHT + " preview");
    presets.saveThumbnail(preset.id(), thumbnail);
    steps.next("Saved");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("summary", "Preview of " + preset.name());
    result.put("preset_id", preset.id());
    result.put("url", preset.url());
    result.put("preview_url", "/api/presets/" + preset.id() + "/thumbnail");
    return result;
  }
}
