package dev.jobqueue.examples.analysis;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handler of {@code comprehensive_analyze}: spawns one {@code analyze} child per selected analysis
 * and returns at once. The queue derives the parent's progress ("3/6 …") from its children and
 * completes it when the last one ends.
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

  public static JobRequest request(
      StoredImage image, List<String> analyses, Map<String, Object> options, String userId) {
    Map<String, Object> input = new LinkedHashMap<>(options);
    input.put("image_id", image.id());
    input.put("analyses", analyses);
    return JobRequest.builder(TYPE, "Comprehensive analysis of " + image.name())
        .description(analyses.size() + " analyses: " + String.join(", ", analyses))
        .totalSteps(analyses.size())
        .input(input)
        .userId(userId) // its children inherit it
        .build();
  }

  @Override
  public Map<String, Object> run(JobContext ctx) {
    Map<String, Object> in = ctx.input();
    StoredImage image = images.get(Inputs.text(in, "image_id"));
    List<String> names = Inputs.strings(in, "analyses");
    Map<String, Object> options = new LinkedHashMap<>();
    for (String key : CHILD_OPTIONS) {
      if (in.containsKey(key)) {
        options.put(key, in.get(key));
      }
    }
    for (String name : names) {
      ctx.throwIfCancelled();
      ctx.spawn(AnalyzeJob.request(analyzers.get(name), image, options).build());
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("image_id", image.id());
    result.put("analyses", names);
    result.put("url", "/api/presets?image_id=" + image.id());
    return result;
  }
}
