package dev.jobqueue.examples.batch;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.FanOut;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.analysis.AnalyzeJob;
import dev.jobqueue.examples.analysis.Analyzer;
import dev.jobqueue.examples.analysis.Analyzers;
import dev.jobqueue.examples.analysis.ComprehensiveJob;
import dev.jobqueue.examples.images.ImageStore;
import dev.jobqueue.examples.images.StoredImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handler of {@code batch_analyze}: a {@link FanOut} parent with one {@code analyze} child per
 * image, all with the same analyzer.
 */
public final class BatchAnalyzeJob implements JobHandler {
  public static final String TYPE = "batch_analyze";

  private final Analyzers analyzers;
  private final ImageStore images;

  public BatchAnalyzeJob(Analyzers analyzers, ImageStore images) {
    this.analyzers = analyzers;
    this.images = images;
  }

  /** The parent's request; the caller sets its user (the children inherit it). */
  public static JobRequest.Builder request(
      Analyzer analyzer, List<StoredImage> batch, Map<String, Object> options) {
    Map<String, Object> input = new LinkedHashMap<>(options);
    input.put("analyzer", analyzer.name());
    input.put("image_ids", batch.stream().map(StoredImage::id).toList());
    return FanOut.parent(
        TYPE,
        "Batch "
            + analyzer.label().toLowerCase(java.util.Locale.ROOT)
            + " of "
            + batch.size()
            + (batch.size() == 1 ? " image" : " images"),
        analyzer.description(),
        batch.size(),
        input);
  }

  @Override
  public Map<String, Object> run(JobContext ctx) {
    Map<String, Object> in = ctx.input();
    Analyzer analyzer = analyzers.get(Inputs.text(in, "analyzer"));
    List<String> ids = Inputs.strings(in, "image_ids");
    Map<String, Object> options = ComprehensiveJob.childOptions(in);
    FanOut.spawnAll(
        ctx,
        ids.stream().map(id -> AnalyzeJob.request(analyzer, images.get(id), options)).toList());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("analyzer", analyzer.name());
    result.put("image_ids", ids);
    result.put("url", "/api/presets");
    return result;
  }
}
