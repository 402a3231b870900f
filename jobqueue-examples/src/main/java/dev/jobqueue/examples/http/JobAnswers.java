package dev.jobqueue.examples.http;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The answer to a request that started a job: 202 {@code {"job_id", "status": "queued"}} in async
 * mode; otherwise the request waits for the job (the old blocking behaviour) and answers 200 with
 * its result, 500 with its error, 409 when cancelled or 504 when it takes too long (the job keeps
 * running and can be followed at /api/jobs/{id}).
 */
public final class JobAnswers {
  private final JobQueue queue;
  private final Duration syncTimeout;

  public JobAnswers(JobQueue queue, Duration syncTimeout) {
    this.queue = queue;
    this.syncTimeout = syncTimeout;
  }

  /** Status code and body for {@code job}, waiting for it unless {@code async}. */
  public Answer answer(Job job, boolean async) throws InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("job_id", job.id());
    if (async) {
      body.put("status", job.status().wireName());
      body.put("url", "/api/jobs/" + job.id());
      return new Answer(202, body);
    }
    Job done;
    try {
      done = queue.await(job.id(), syncTimeout);
    } catch (TimeoutException e) {
      body.put(
          "error",
          "the job did not finish within "
              + syncTimeout.toSeconds()
              + " s; it keeps running: follow it at /api/jobs/"
              + job.id()
              + " or call with ?async=true");
      body.put("status", 504);
      return new Answer(504, body);
    }
    switch (done.status()) {
      case COMPLETED -> {
        body.put("status", "completed");
        body.put("result", done.result());
        body.put("warnings", done.warnings());
        return new Answer(200, body);
      }
      case CANCELLED -> {
        body.put("error", "the job was cancelled");
        body.put("status", 409);
        return new Answer(409, body);
      }
      default -> {
        body.put("error", done.error() == null ? "the job failed" : done.error());
        body.put("status", 500);
        return new Answer(500, body);
      }
    }
  }

  /** An HTTP status and JSON body. */
  public record Answer(int status, Map<String, Object> body) {}
}
