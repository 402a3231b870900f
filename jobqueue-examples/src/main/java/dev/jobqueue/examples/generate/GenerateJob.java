package dev.jobqueue.examples.generate;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.analysis.Pixels;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Handler of {@code generate_image}: renders the prompt's fractal row by row, reporting progress
 * about a hundred times and checking for cancel after every row, then stores it as an image that
 * can be analyzed like an upload.
 */
public final class GenerateJob implements JobHandler {
  public static final String TYPE = "generate_image";
  public static final int MIN_SIZE = 16;
  public static final int MAX_SIZE = 4096;

  private final ImageStore images;
  private final FractalRenderer renderer = new FractalRenderer();

  public GenerateJob(ImageStore images) {
    this.images = images;
  }

  /** The request of one render; the caller sets its user (a batch's children inherit it). */
  public static JobRequest.Builder request(String prompt, int width, int height, int paceMillis) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("prompt", prompt);
    input.put("width", width);
    input.put("height", height);
    input.put("pace_ms", paceMillis);
    return JobRequest.builder(
            TYPE,
            "Generating “"
                + (prompt.length() > 60 ? prompt.substring(0, 60) + "…" : prompt)
                + "” ("
                + width
                + "×"
                + height
                + ")")
        .description("Julia-set render seeded by the prompt")
        .input(input);
  }

  @Override
  public Map<String, Object> run(JobContext ctx) throws Exception {
    Map<String, Object> in = ctx.input();
    String prompt = Inputs.text(in, "prompt");
    int width = Inputs.integer(in, "width", 512);
    int height = Inputs.integer(in, "height", 512);
    long pace = Inputs.millis(in, "pace_ms").toMillis();
    int every = Math.max(1, height / 100);
    long started = System.nanoTime();
    ctx.progress(0, height, "Starting render");
    BufferedImage image =
        renderer.render(
            prompt,
            width,
            height,
            rows -> {
              ctx.throwIfCancelled();
              if (rows % every == 0 || rows == height) {
                if (pace > 0) {
                  Thread.sleep(pace);
                }
                ctx.progress(rows, height, "Rendered row " + rows + " of " + height);
              }
            });
    long renderMs = (System.nanoTime() - started) / 1_000_000;
    StoredImage stored = images.savePng(image, "generated-" + slug(prompt) + ".png");
    FractalRenderer.Params p = FractalRenderer.params(prompt);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "summary",
        width
            + "×"
            + height
            + " Julia set c="
            + Pixels.round(p.cRe(), 4)
            + (p.cIm() < 0 ? "" : "+")
            + Pixels.round(p.cIm(), 4)
            + "i in "
            + renderMs
            + " ms");
    result.put("image_id", stored.id());
    result.put("url", stored.url());
    result.put("preview_url", stored.url());
    result.put("width", width);
    result.put("height", height);
    result.put("seed", Long.toHexString(p.seed()));
    result.put("render_ms", renderMs);
    return result;
  }

  private static String slug(String prompt) {
    String s =
        prompt
            .toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-|-$", "");
    return s.isEmpty() ? "image" : s.length() > 40 ? s.substring(0, 40) : s;
  }
}
