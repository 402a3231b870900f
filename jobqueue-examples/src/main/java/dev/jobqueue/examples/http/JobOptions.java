package dev.jobqueue.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import java.util.List;

/**
 * The fields every job-creating endpoint takes besides its own: {@code priority} (higher runs
 * first) and {@code depends_on} (ids of the caller's jobs that must complete first), plus the
 * caller's user.
 */
final class JobOptions {
  static final int MAX_PRIORITY = 1000;
  static final int MAX_DEPENDENCIES = 100;

  private final JobQueue queue;

  JobOptions(JobQueue queue) {
    this.queue = queue;
  }

  /**
   * Sets user, priority and dependencies of {@code request} from {@code body}. A dependency that
   * does not exist or belongs to another user is the same 404, so ids of others' jobs cannot be
   * probed.
   */
  JobRequest.Builder apply(JsonNode body, String user, JobRequest.Builder request) {
    request
        .userId(user)
        .priority(JsonServlet.intField(body, "priority", 0, -MAX_PRIORITY, MAX_PRIORITY));
    JsonNode deps = body.get("depends_on");
    if (deps == null || deps.isNull()) {
      return request;
    }
    List<String> ids = JsonItems.strings(body, "depends_on", MAX_DEPENDENCIES, true);
    for (String id : ids) {
      boolean visible = queue.find(id).map(Job::userId).filter(user::equals).isPresent();
      if (!visible) {
        throw HttpError.notFound("depends_on: no job with id '" + QueryString.abbreviate(id) + "'");
      }
    }
    return request.dependsOn(ids);
  }
}
