package dev.jobqueue.examples.generate;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.analysis.Pixels;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Handler of {@code generate_image}: renders the prompt's fractal row by row, reporting progress
 * about a hundred times and checking for cancel after every row, then stores it as an image that
 * can be analyzed like an upload. Every finished band of rows ({@link #BANDS} per image) is saved
 * and checkpointed, so an attempt after a restart or retry goes on from the last band instead of
 * row 0.
 */
public final class GenerateJob implements JobHandler {
  public static final String TYPE = "generate_image";
  public static final int MIN_SIZE = 16;
  public static final int MAX_SIZE = 4096;

  /** Checkpoints per render: one after each finished band but the last. */
  public static final int BANDS = 8;

  /**
   * Called once a band is saved and checkpointed. The app passes a no-op; tests use it to stop the
   * process at a known point of a render.
   */
  @FunctionalInterface
  public interface BandHook {
    BandHook NONE = (jobId, bandsDone) -> {};

    void bandSaved(String jobId, int bandsDone) throws Exception;
  }

  private final ImageStore images;
  private final Path partialDir;
  private final BandHook hook;
  private final FractalRenderer renderer = new FractalRenderer();

  /**
   * @param partialDir where the finished bands of running renders are kept
   */
  public GenerateJob(ImageStore images, Path partialDir, BandHook hook) {
    this.images = images;
    this.partialDir = partialDir;
    this.hook = hook;
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
        // attempts left let a restart re-queue a render cut off mid-way (RecoveryPolicy.REQUEUE)
        .maxAttempts(3)
        .input(input);
  }

  /**
   * The unique key of one user's render of {@code prompt} at one size (a digest: prompts are long).
   */
  public static String uniqueKey(String user, String prompt, int width, int height) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (user + "\n" + width + "x" + height + "\n" + prompt)
                      .getBytes(StandardCharsets.UTF_8));
      return "generate:" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public Map<String, Object> run(JobContext ctx) throws Exception {
    Map<String, Object> in = ctx.input();
    String prompt = Inputs.text(in, "prompt");
    int width = Inputs.integer(in, "width", 512);
    int height = Inputs.integer(in, "height", 512);
    long pace = Inputs.millis(in, "pace_ms").toMillis();
    int every = Math.max(1, height / 100);
    int bandRows = (height + BANDS - 1) / BANDS;
    long started = System.nanoTime();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Bands bands = new Bands(partialDir, ctx.jobId());
    int fromRow = resumeRow(ctx, bands, image, bandRows);
    if (fromRow > 0) {
      ctx.log("Resuming at row " + fromRow + " of " + height + " from the checkpoint");
    }
    ctx.progress(fromRow, height, fromRow == 0 ? "Starting render" : "Resumed at row " + fromRow);
    renderer.render(
        prompt,
        image,
        fromRow,
        rows -> {
          ctx.throwIfCancelled();
          if (rows % every == 0 || rows == height) {
            if (pace > 0) {
              Thread.sleep(pace);
            }
            ctx.progress(rows, height, "Rendered row " + rows + " of " + height);
          }
          if (rows % bandRows == 0 && rows < height) {
            int done = rows / bandRows;
            bands.save(image, done - 1, bandRows);
            ctx.checkpoint(
                Map.of(
                    "bands_done", done, "band_rows", bandRows, "width", width, "height", height));
            hook.bandSaved(ctx.jobId(), done);
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
    result.put("resumed_from_row", fromRow);
    result.put("rows_rendered", height - fromRow);
    bands.delete();
    return result;
  }

  /** The first row this attempt renders: after the checkpointed bands, once they are back. */
  private static int resumeRow(JobContext ctx, Bands bands, BufferedImage image, int bandRows)
      throws java.io.IOException {
    Map<String, Object> cp = ctx.lastCheckpoint();
    if (!(cp.get("bands_done") instanceof Number done)
        || !Integer.valueOf(bandRows).equals(asInt(cp.get("band_rows")))
        || !Integer.valueOf(image.getWidth()).equals(asInt(cp.get("width")))
        || !Integer.valueOf(image.getHeight()).equals(asInt(cp.get("height")))) {
      return 0;
    }
    int count = done.intValue();
    if (count <= 0 || !bands.restore(image, count, bandRows)) {
      return 0;
    }
    return Math.min(image.getHeight(), count * bandRows);
  }

  private static Integer asInt(Object o) {
    return o instanceof Number n ? n.intValue() : null;
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
