package dev.jobqueue.examples.batch;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.FanOut;
import dev.jobqueue.examples.Inputs;
import dev.jobqueue.examples.generate.GenerateJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Handler of {@code batch_generate}: a {@link FanOut} parent with one {@code generate_image} child
 * per prompt, all of the same size.
 */
public final class BatchGenerateJob implements JobHandler {
  public static final String TYPE = "batch_generate";

  /** The parent's request; the caller sets its user (the children inherit it). */
  public static JobRequest.Builder request(
      List<String> prompts, int width, int height, int paceMillis) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("prompts", prompts);
    input.put("width", width);
    input.put("height", height);
    input.put("pace_ms", paceMillis);
    return FanOut.parent(
        TYPE,
        "Batch of "
            + prompts.size()
            + (prompts.size() == 1 ? " image" : " images")
            + " ("
            + width
            + "×"
            + height
            + ")",
        "Julia-set renders seeded by each prompt",
        prompts.size(),
        input);
  }

  @Override
  public Map<String, Object> run(JobContext ctx) {
    Map<String, Object> in = ctx.input();
    List<String> prompts = Inputs.strings(in, "prompts");
    int width = Inputs.integer(in, "width", 512);
    int height = Inputs.integer(in, "height", 512);
    int pace = Inputs.integer(in, "pace_ms", 0);
    FanOut.spawnAll(
        ctx, prompts.stream().map(p -> GenerateJob.request(p, width, height, pace)).toList());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("prompts", prompts);
    result.put("width", width);
    result.put("height", height);
    return result;
  }
}
