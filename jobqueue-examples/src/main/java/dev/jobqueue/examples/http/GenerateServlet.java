package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.examples.batch.BatchGenerateJob;
import dev.jobqueue.examples.generate.GenerateJob;
import dev.jobqueue.examples.generate.GeneratedCleanup;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code POST /api/generate?async=true} body {@code {"prompt": ..., "width": 512, "height": 512}}:
 * a {@code generate_image} job; {@code POST /api/generate/batch} body {@code {"prompts": [...],
 * "width": 512, "height": 512}}: a {@code batch_generate} parent with one such job per prompt.
 * Sizes outside 16–4096 are refused with 400; {@code pace_ms} (0–200) adds a pause per percent of
 * rows; {@code delay_seconds} (0–86400) queues the job to start that much later; {@code priority}
 * and {@code depends_on} are those of {@link JobOptions}. A single generation carries a unique key
 * of user, prompt and size: submitting it again while it is queued or running answers that job.
 */
public final class GenerateServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_PROMPT = 500;
  public static final int MAX_BATCH = 100;
  public static final int MAX_DELAY_SECONDS = 24 * 3600;

  private final transient JobQueue queue;
  private final transient JobAnswers answers;
  private final transient JobOptions jobOptions;
  private final transient GeneratedCleanup cleanup;

  public GenerateServlet(
      ObjectMapper json, JobQueue queue, JobAnswers answers, GeneratedCleanup cleanup) {
    super(json);
    this.cleanup = cleanup;
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
    int delay = intField(body, "delay_seconds", 0, 0, MAX_DELAY_SECONDS);
    String user = AnonymousUser.of(req);
    JobRequest.Builder request;
    if (batch) {
      request = BatchGenerateJob.request(prompts, width, height, pace);
    } else {
      // a double click (or a second tab) gets the render already under way, not a second one
      request =
          GenerateJob.request(prompts.get(0), width, height, pace)
              .uniqueKey(GenerateJob.uniqueKey(user, prompts.get(0), width, height));
    }
    if (delay > 0) {
      request.delay(Duration.ofSeconds(delay));
    }
    Job job = queue.submit(jobOptions.apply(body, user, request).build());
    if (!batch) {
      cleanup.ensureFor(user);
    }
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
