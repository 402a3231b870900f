package dev.jobqueue.servlet.internal;

import dev.jobqueue.JobQueue;
import dev.jobqueue.RecurringSchedule;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET {base}/schedules} (the caller's recurring schedules) and, when the host allowed it
 * ({@code allowScheduleChanges}), {@code POST {base}/schedules/{id}/pause|resume} and {@code DELETE
 * {base}/schedules/{id}}. Another user's schedule is "not found", like another user's job.
 */
public final class ScheduleEndpoints {
  private final ApiConfig config;
  private final JobQueue queue;

  public ScheduleEndpoints(ApiConfig config) {
    this.config = config;
    this.queue = config.queue();
  }

  /**
   * The user's recurring schedules (all of them in a shared view); none if the store keeps none.
   */
  byte[] list(String user) {
    return ScheduleJson.toBytes(visibleSchedules(user));
  }

  /** {@code GET {base}/schedules/{id}}: one schedule the caller may see. */
  byte[] get(String user, String id) {
    return ScheduleJson.toBytes(visible(user, id));
  }

  /**
   * Pauses or resumes a schedule the caller may see and change.
   *
   * @return the schedule after the change
   */
  byte[] pauseOrResume(HttpServletRequest req, String user, String id, String action)
      throws IOException {
    if (!action.equals("pause") && !action.equals("resume")) {
      throw HttpError.notFound("no such API path: " + req.getRequestURI());
    }
    if (!"POST".equals(req.getMethod())) {
      throw HttpError.methodNotAllowed(req.getMethod(), "POST");
    }
    requirePermission(req);
    RequestBody.optionalJsonObject(req, config.maxBodyBytes()); // validated, reserved
    visible(user, id);
    try {
      RecurringSchedule after =
          action.equals("pause") ? queue.pauseSchedule(id) : queue.resumeSchedule(id);
      return ScheduleJson.toBytes(after);
    } catch (IllegalArgumentException e) {
      // deleted between our look-up and the change
      throw notFound(id);
    }
  }

  /** Deletes a schedule the caller may see and change; the jobs it submitted stay. */
  void delete(HttpServletRequest req, String user, String id) {
    requirePermission(req);
    visible(user, id);
    if (!queue.deleteSchedule(id)) {
      throw notFound(id);
    }
  }

  private void requirePermission(HttpServletRequest req) {
    if (config.scheduleChangePermission() == null) {
      throw new HttpError(
          403,
          "changing schedules over HTTP is not enabled on this server (the host enables it with"
              + " JobQueueFilter.Builder.allowScheduleChanges)");
    }
    if (!config.scheduleChangePermission().test(req)) {
      throw new HttpError(403, "you are not allowed to pause, resume or delete schedules");
    }
  }

  private RecurringSchedule visible(String user, String id) {
    Optional<RecurringSchedule> found =
        visibleSchedules(user).stream().filter(s -> s.id().equals(id)).findFirst();
    return found.orElseThrow(() -> notFound(id));
  }

  private List<RecurringSchedule> visibleSchedules(String user) {
    try {
      return queue.schedules().stream()
          .filter(s -> user == null || user.equals(s.userId()))
          .toList();
    } catch (UnsupportedOperationException e) {
      return List.of();
    }
  }

  private static HttpError notFound(String id) {
    return HttpError.notFound("schedule " + QueryParams.abbreviate(id) + " does not exist");
  }
}
