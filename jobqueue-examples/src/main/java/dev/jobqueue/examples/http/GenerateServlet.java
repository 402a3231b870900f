package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.examples.generate.GenerateJob;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;

/**
 * {@code POST /api/generate?async=true} body {@code {"prompt": ..., "width": 512, "height": 512}}:
 * a {@code generate_image} job. Sizes outside 16–4096 are refused with 400; {@code pace_ms} (0–200)
 * adds a pause per percent of rows.
 */
public final class GenerateServlet extends JsonServlet {
  private static final long serialVersionUID = 1L;
  private static final int MAX_PROMPT = 500;

  private final transient JobQueue queue;
  private final transient JobAnswers answers;

  public GenerateServlet(ObjectMapper json, JobQueue queue, JobAnswers answers) {
    super(json);
    this.queue = queue;
    this.answers = answers;
  }

  @Override
  protected void handle(
      String method, List<String> path, HttpServletRequest req, HttpServletResponse resp)
      throws Exception {
    if (!path.isEmpty()) {
      throw HttpError.notFound("use POST /api/generate");
    }
    requireMethod(method, "POST");
    boolean async = isAsync(req);
    ObjectNode body = readObject(req);
    String prompt = requireText(body, "prompt").strip();
    if (prompt.length() > MAX_PROMPT) {
      throw HttpError.badRequest(
          "the prompt must be at most " + MAX_PROMPT + " characters, got " + prompt.length());
    }
    int width = intField(body, "width", 512, GenerateJob.MIN_SIZE, GenerateJob.MAX_SIZE);
    int height = intField(body, "height", 512, GenerateJob.MIN_SIZE, GenerateJob.MAX_SIZE);
    int pace = intField(body, "pace_ms", 0, 0, 200);
    Job job = queue.submit(GenerateJob.request(prompt, width, height, pace, AnonymousUser.of(req)));
    JobAnswers.Answer answer = answers.answer(job, async);
    send(resp, answer.status(), answer.body());
  }
}
