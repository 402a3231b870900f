package dev.jobqueue.servlet.internal;

import dev.jobqueue.JobQueue;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Set;

/**
 * {@code GET {base}/{id}/logs} and {@code POST {base}/types/{type}/pause|resume}: the operator
 * calls. Pausing is refused (403) unless the host allowed it for the caller ({@code
 * allowTypePause}).
 */
public final class OpsEndpoints {
  private final ApiConfig config;
  private final JobQueue queue;
  private final SseHub hub;

  public OpsEndpoints(ApiConfig config, SseHub hub) {
    this.config = config;
    this.queue = config.queue();
    this.hub = hub;
  }

  /** The logs of a job the caller may see (checked by the caller of this method). */
  byte[] logs(String jobId) {
    return OpsJson.logs(jobId, queue.logs(jobId));
  }

  /** Pauses or resumes {@code type}; the answer's body. */
  byte[] pauseOrResume(HttpServletRequest req, String type, String action) throws IOException {
    if (!action.equals("pause") && !action.equals("resume")) {
      throw HttpError.notFound("no such API path: " + req.getRequestURI());
    }
    if (!"POST".equals(req.getMethod())) {
      throw HttpError.methodNotAllowed(req.getMethod(), "POST");
    }
    if (config.typePausePermission() == null) {
      throw new HttpError(
          403,
          "pausing job types over HTTP is not enabled on this server (the host enables it with"
              + " JobQueueFilter.Builder.allowTypePause)");
    }
    if (!config.typePausePermission().test(req)) {
      throw new HttpError(403, "you are not allowed to pause or resume job types");
    }
    RequestBody.optionalJsonObject(req, config.maxBodyBytes()); // validated, reserved
    boolean pause = action.equals("pause");
    if (pause) {
      queue.pause(type);
    } else {
      queue.resume(type);
    }
    Set<String> now = queue.pausedTypes();
    if (hub != null) {
      hub.pausedTypesMayHaveChanged();
    }
    return OpsJson.pauseAnswer(type, pause, now);
  }
}
