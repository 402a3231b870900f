package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.batch.BatchGenerateJob;
import dev.jobqueue.examples.generate.GenerateJob;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

/**
 * {@code POST /api/generate?async=true} body {@code {"prompt": ..., "width": 512, "height": 512}}:
 * a {@code generate_image} job; {@code POST /api/generate/batch} body {@code {"prompts": [...],
 * "width": 512, "height": 512}}: a {@code batch_generate} parent with one such job per prompt.
 * Sizes outside 16–4096 are refused with 400; {@code pace_ms} (0–200) adds a pause per percent of
 * rows; {@code priority} and {@code depends_on} are those of {@link JobOptions}.
 */
public final class GenerateServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_PROMPT = 500;
  public static final int MAX_BATCH = 100;

  private final transient JobQueue queue;
  private final transient JobAnswers answers;
  private final transient JobOptions jobOptions;

  public GenerateServlet(ObjectMapper json, JobQueue queue, JobAnswers answers) {
    super(json);
    this.queue = queue;
    this.answers = answers;
    this.jobOptions = new JobOptions(queue);
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    boolean batch = path.equals(List.of("batch"));
    if (!path.isEmpty() && !batch) {
      throw HttpError.notFound("use POST /api/generate or POST /api/generate/batch");
    }
    requireMethod(method, "POST");
    boolean async = isAsync(req);
    ObjectNode body = readObject(req);
    List<String> prompts =
        batch
            ? JsonItems.strings(body, "prompts", MAX_BATCH, false).stream()
                .map(p -> prompt(p, "a prompt"))
                .toList()
            : List.of(prompt(requireText(body, "prompt"), "the prompt"));
    int width = intField(body, "width", 512, GenerateJob.MIN_SIZE, GenerateJob.MAX_SIZE);
    int height = intField(body, "height", 512, GenerateJob.MIN_SIZE, GenerateJob.MAX_SIZE);
    int pace = intField(body, "pace_ms", 0, 0, 200);
    JobRequest.Builder request =
        batch
            ? BatchGenerateJob.request(prompts, width, height, pace)
            : GenerateJob.request(prompts.get(0), width, height, pace);
    Job job = queue.submit(jobOptions.apply(body, AnonymousUser.of(req), request).build());
    JobAnswers.Answer answer = answers.answer(job, async);
    send(resp, answer.status(), answer.body());
  }

  private static String prompt(String text, String what) {
    String prompt = text.strip();
    if (prompt.length() > MAX_PROMPT) {
      throw HttpError.badRequest(
          what + " must be at most " + MAX_PROMPT + " characters, got " + prompt.length());
    }
    return prompt;
  }
}
