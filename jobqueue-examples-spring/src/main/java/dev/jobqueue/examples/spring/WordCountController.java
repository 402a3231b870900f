package dev.jobqueue.examples.spring;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /count?async=true} answers 202 with the job at once; without {@code async} it waits
 * for the result (the synchronous mode), up to 30 s.
 */
@RestController
public class WordCountController {
  private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_TEXT = 100_000;

  private final JobQueue queue;

  public WordCountController(JobQueue queue) {
    this.queue = queue;
  }

  @PostMapping("/count")
  public ResponseEntity<Map<String, Object>> count(
      @RequestBody Map<String, Object> body,
      @RequestParam(name = "async", defaultValue = "false") boolean async)
      throws InterruptedException {
    if (!(body.get("text") instanceof String text) || text.isBlank()) {
      return error(HttpStatus.BAD_REQUEST, "send {\"text\": \"...\"} with some words");
    }
    if (text.length() > MAX_TEXT) {
      return error(HttpStatus.CONTENT_TOO_LARGE, "text is longer than " + MAX_TEXT + " chars");
    }
    Job job =
        queue.submit(
            JobRequest.builder(WordCountHandler.TYPE, "Counting words")
                .input(Map.of("text", text))
                .build());
    if (async) {
      return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer(job));
    }
    try {
      Job done = queue.await(job.id(), SYNC_TIMEOUT);
      Map<String, Object> answer = answer(done);
      answer.put("result", done.result());
      answer.put("error", done.error());
      return ResponseEntity.ok(answer);
    } catch (TimeoutException e) {
      // still running: the client can follow it like an async job
      return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer(queue.get(job.id())));
    }
  }

  private static Map<String, Object> answer(Job job) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("job_id", job.id());
    answer.put("status", job.status().wireName());
    return answer;
  }

  private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(Map.of("error", message, "status", status.value()));
  }
}
