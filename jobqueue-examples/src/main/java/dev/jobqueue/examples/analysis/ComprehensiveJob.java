package dev.jobqueue.examples.analysis;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.FanOut;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handler of {@code comprehensive_analyze}: a {@link FanOut} parent with one {@code analyze} child
 * per selected analysis; each analysis adds its preset's preview as an optional child of this
 * parent, so the parent ends only when every preview has, and a failed preview is its warning.
 *
 * <p>The result says "6 presets created" as soon as the handler returns: the parent completes only
 * when every analysis (each one preset) completed, and fails otherwise, so the summary is true
 * whenever a completed parent shows it.
 */
public final class ComprehensiveJob implements JobHandler {
  public static final String TYPE = "comprehensive_analyze";

  /** Options passed on to every child. */
  static final List<String> CHILD_OPTIONS =
      List.of("pace_ms", "fail_first_attempts", "fail_thumbnail");

  private final Analyzers analyzers;
  private final ImageStore images;

  public ComprehensiveJob(Analyzers analyzers, ImageStore images) {
    this.analyzers = analyzers;
    this.images = images;
  }

  /** The parent's request; the caller sets its user (the children inherit it). */
  public static JobRequest.Builder request(
      StoredImage image, List<String> analyses, Map<String, Object> options) {
    Map<String, Object> input = new LinkedHashMap<>(options);
    input.put("image_id", image.id());
    input.put("analyses", analyses);
    return FanOut.parent(
        TYPE,
        "Comprehensive analysis of " + image.name(),
        analyses.size() + " analyses: " + String.join(", ", analyses),
        analyses.size(),
        input);
  }

  /** The demo options of a parent's input that its {@code analyze} children take over. */
  public static Map<String, Object> childOptions(Map<String, Object> in) {
    Map<String, Object> options = new LinkedHashMap<>();
    for (String key : CHILD_OPTIONS) {
      if (in.containsKey(key)) {
        options.put(key, in.get(key));
      }
    }
    return options;
  }

  @Override
  public Map<String, Object> run(JobContext ctx) {
    Map<String, Object> in = ctx.input();
    StoredImage image = images.get(Inputs.text(in, "image_id"));
    List<String> names = Inputs.strings(in, "analyses");
    Map<String, Object> options = childOptions(in);
    options.put(AnalyzeJob.PREVIEW_UNDER_PARENT, true);
    FanOut.spawnAll(
        ctx,
        names.stream().map(n -> AnalyzeJob.request(analyzers.get(n), image, options)).toList());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("summary", names.size() + (names.size() == 1 ? " preset" : " presets") + " created");
    result.put("image_id", image.id());
    result.put("analyses", names);
    result.put("url", "/api/presets?image_id=" + image.id());
    return result;
  }
}
