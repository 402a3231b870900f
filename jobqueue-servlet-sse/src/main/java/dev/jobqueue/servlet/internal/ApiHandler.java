package dev.jobqueue.servlet.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jobqueue.Job;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of DESIGN.md under the base path: routing, the origin and size checks, user scoping
 * and the mapping of failures to JSON errors. Every path below the base path is answered here
 * (unknown ones with a JSON 404), never passed on.
 */
public final class ApiHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);
  private static final int EXPORT_DEFAULT_LIMIT = 10_000;
  private static final int EXPORT_MAX_LIMIT = 100_000;
  private static final DateTimeFormatter FILE_STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final ApiConfig config;
  private final JobQueue queue;
  private final JobJson json;
  private final OriginPolicy origins;
  private final UiResources ui;
  private final StreamEndpoint stream;
  private final OpsEndpoints ops;

  public ApiHandler(
      ApiConfig config, JobJson json, UiResources ui, StreamEndpoint stream, OpsEndpoints ops) {
    this.ops = ops;
    this.config = config;
    this.queue = config.queue();
    this.json = json;
    this.origins = new OriginPolicy(config.allowedOrigins());
    this.ui = ui;
    this.stream = stream;
  }

  /**
   * @param rest the path after the base path: "" or starting with "/"
   */
  public void handle(HttpServletRequest req, HttpServletResponse resp, String rest) {
    // On every answer, errors included: browsers must never guess a type for job data.
    resp.setHeader("X-Content-Type-Options", "nosniff");
    try {
      route(req, resp, rest);
    } catch (HttpError e) {
      e.headers().forEach(resp::setHeader);
      writeError(resp, e.status(), e.getMessage());
    } catch (JobNotFoundException e) {
      writeError(resp, 404, "job " + e.jobId() + " does not exist");
    } catch (JobStateException e) {
      writeError(resp, 409, e.getMessage());
    } catch (IllegalArgumentException e) {
      writeError(resp, 400, e.getMessage());
    } catch (IOException e) {
      log.debug(
          "I/O error answering {} {}: {}", req.getMethod(), req.getRequestURI(), e.toString());
    } catch (RuntimeException e) {
      log.error("Failed to answer {} {}", req.getMethod(), req.getRequestURI(), e);
      writeError(resp, 500, "internal error; the server log has the details");
    }
  }

  private void route(HttpServletRequest req, HttpServletResponse resp, String rest)
      throws IOException {
    String method = req.getMethod();
    String origin = req.getHeader("Origin");
    if (origins.isAllowListed(origin)) {
      resp.setHeader("Access-Control-Allow-Origin", origin);
      resp.setHeader("Access-Control-Allow-Credentials", "true");
      resp.addHeader("Vary", "Origin");
    }
    if (method.equals("OPTIONS")
        && origin != null
        && req.getHeader("Access-Control-Request-Method") != null) {
      preflight(resp, origin);
      return;
    }
    if (OriginPolicy.isMutating(method) && !origins.permits(req, origin)) {
      throw new HttpError(
          403,
          "cross-origin "
              + method
              + " from "
              + origin
              + " refused; add the"
              + " origin to the filter's allowedOrigins if it is one of your pages");
    }
    RequestBody.checkDeclaredLength(req, config.maxBodyBytes());
    QueryParams.of(req); // the whole query must be well-formed, also parameters no endpoint reads

    List<String> seg = segments(rest);
    if (seg.size() == 2 && seg.get(0).equals("ui")) {
      ui.serve(seg.get(1), req, resp);
      return;
    }
    String user = resolveUser(req);
    if (seg.isEmpty()) {
      switch (method) {
        case "GET" -> list(req, resp, user);
        case "DELETE" -> clear(req, resp, user);
        default -> throw HttpError.methodNotAllowed(method, "GET, DELETE");
      }
      return;
    }
    String first = seg.get(0);
    if (seg.size() == 1) {
      switch (first) {
        case "stats" -> {
          requireMethod(method, "GET");
          writeJson(resp, 200, json.statsBytes(queue.stats(user), queue.pausedTypes()));
        }
        case "export" -> {
          requireMethod(method, "GET");
          export(req, resp, user);
        }
        case "stream" -> {
          requireMethod(method, "GET");
          stream.open(req, resp, user);
        }
        case "schedules" -> {
          requireMethod(method, "GET");
          writeJson(resp, 200, ScheduleJson.toBytes(schedulesOf(user)));
        }
        default -> job(req, resp, user, first);
      }
      return;
    }
    if (seg.size() == 2 && (seg.get(1).equals("cancel") || seg.get(1).equals("retry"))) {
      requireMethod(method, "POST");
      RequestBody.optionalJsonObject(req, config.maxBodyBytes()); // validated, reserved
      visible(first, user);
      Job after = seg.get(1).equals("cancel") ? queue.cancel(first) : queue.retry(first);
      writeJson(resp, 200, json.toBytes(after));
      return;
    }
    if (seg.size() == 2 && seg.get(1).equals("logs")) {
      requireMethod(method, "GET");
      visible(first, user);
      writeJson(resp, 200, ops.logs(first));
      return;
    }
    if (seg.size() == 3 && first.equals("types")) {
      writeJson(resp, 200, ops.pauseOrResume(req, seg.get(1), seg.get(2)));
      return;
    }
    throw HttpError.notFound("no such API path: " + req.getRequestURI());
  }

  /**
   * The user's recurring schedules (all of them in a shared view); none if the store keeps none.
   */
  private List<dev.jobqueue.RecurringSchedule> schedulesOf(String user) {
    try {
      return queue.schedules().stream()
          .filter(s -> user == null || user.equals(s.userId()))
          .toList();
    } catch (UnsupportedOperationException e) {
      return List.of();
    }
  }

  private void job(HttpServletRequest req, HttpServletResponse resp, String user, String id)
      throws IOException {
    switch (req.getMethod()) {
      case "GET" -> writeJson(resp, 200, json.toBytes(visible(id, user)));
      case "DELETE" -> {
        visible(id, user);
        queue.delete(id);
        resp.setStatus(204);
      }
      default -> throw HttpError.methodNotAllowed(req.getMethod(), "GET, DELETE");
    }
  }

  private void list(HttpServletRequest req, HttpServletResponse resp, String user)
      throws IOException {
    JobQuery q =
        filters(req, user)
            .limit(QueryParams.intParam(req, "limit", JobQuery.DEFAULT_LIMIT, 1, 1000))
            .build();
    List<Job> jobs = queue.list(q);
    prepareJson(resp, 200);
    try (JsonGenerator g = json.generator(resp.getOutputStream())) {
      g.writeStartArray();
      for (Job j : jobs) {
        json.write(g, j);
      }
      g.writeEndArray();
    }
  }

  /**
   * {@code DELETE {base}?status=completed}: clears the caller's finished jobs of those statuses.
   */
  private void clear(HttpServletRequest req, HttpServletResponse resp, String user)
      throws IOException {
    Set<JobStatus> statuses = QueryParams.statuses(req);
    if (statuses.isEmpty()) {
      throw HttpError.badRequest(
          "parameter status is required, for example ?status=completed (finished statuses only)");
    }
    for (JobStatus s : statuses) {
      if (!s.isTerminal()) {
        throw HttpError.badRequest(
            "parameter status: only completed, failed and cancelled jobs"
                + " can be cleared, not "
                + s.wireName());
      }
    }
    JobQuery scope = filters(req, user).build();
    int deleted = 0;
    for (JobStatus s : statuses) {
      deleted += queue.deleteAll(s, scope);
    }
    writeJson(resp, 200, JobJson.objectBytes("deleted", deleted));
  }

  private void export(HttpServletRequest req, HttpServletResponse resp, String user)
      throws IOException {
    String format = QueryParams.single(req, "format");
    format = format == null || format.isBlank() ? "json" : format.trim().toLowerCase();
    if (!format.equals("json") && !format.equals("csv")) {
      throw HttpError.badRequest(
          "parameter format must be json or csv, got '" + QueryParams.abbreviate(format) + "'");
    }
    JobQuery q =
        filters(req, user)
            .limit(QueryParams.intParam(req, "limit", EXPORT_DEFAULT_LIMIT, 1, EXPORT_MAX_LIMIT))
            .build();
    List<Job> jobs = queue.list(q);
    String file = "jobs-" + FILE_STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)) + "." + format;
    resp.setHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    if (format.equals("json")) {
      prepareJson(resp, 200);
      try (JsonGenerator g = json.generator(resp.getOutputStream())) {
        g.writeStartArray();
        for (Job j : jobs) {
          json.write(g, j);
        }
        g.writeEndArray();
      }
      return;
    }
    resp.setStatus(200);
    resp.setContentType("text/csv; charset=utf-8");
    resp.setHeader("Cache-Control", "no-store");
    try (Writer w = new OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8)) {
      Csv.writeHeader(w, config.exposeInput());
      for (Job j : jobs) {
        Csv.writeRow(w, j, config.exposeInput());
      }
    }
  }

  /** The filters shared by list, clear and export; always scoped to the caller. */
  private static JobQuery.Builder filters(HttpServletRequest req, String user) {
    return JobQuery.builder()
        .statuses(QueryParams.statuses(req))
        .type(QueryParams.text(req, "type"))
        .parentJobId(QueryParams.text(req, "parent_job_id"))
        .text(QueryParams.text(req, "q"))
        .userId(user);
  }

  /** The job, if it exists and the caller may see it; another user's job is "not found". */
  private Job visible(String id, String user) {
    Job job = queue.find(id).orElse(null);
    if (job == null || (user != null && !user.equals(job.userId()))) {
      throw HttpError.notFound("job " + id + " does not exist");
    }
    return job;
  }

  private String resolveUser(HttpServletRequest req) {
    if (config.userResolver() == null) {
      return null;
    }
    String user = config.userResolver().apply(req);
    if (user == null || user.isBlank()) {
      throw new HttpError(401, "sign in to see your jobs");
    }
    return user;
  }

  private void preflight(HttpServletResponse resp, String origin) {
    if (!origins.isAllowListed(origin)) {
      throw new HttpError(403, "cross-origin requests from " + origin + " are not allowed");
    }
    resp.setStatus(204);
    resp.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE");
    resp.setHeader("Access-Control-Allow-Headers", "Content-Type, Last-Event-ID");
    resp.setHeader("Access-Control-Max-Age", "600");
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw HttpError.methodNotAllowed(method, allowed);
    }
  }

  /** Path segments after the base path, percent-decoded; "/a/b/" and "/a/b" are the same. */
  static List<String> segments(String rest) {
    String trimmed = rest;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (trimmed.isEmpty()) {
      return List.of();
    }
    String[] parts = trimmed.split("/", -1);
    String[] decoded = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        // URLDecoder decodes '+' as space, which is form encoding, not path encoding
        decoded[i] = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest("malformed percent-encoding in path segment '" + parts[i] + "'");
      }
      if (decoded[i].isEmpty()) {
        throw HttpError.notFound("no such API path: empty path segment");
      }
    }
    return List.of(decoded);
  }

  private static void prepareJson(HttpServletResponse resp, int status) {
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setCharacterEncoding("UTF-8");
    resp.setHeader("Cache-Control", "no-store"); // job data is private to its user
  }

  private static void writeJson(HttpServletResponse resp, int status, byte[] body)
      throws IOException {
    prepareJson(resp, status);
    resp.setContentLength(body.length);
    resp.getOutputStream().write(body);
  }

  /** Writes an error unless the response is already on its way (then only logs). */
  static void writeError(HttpServletResponse resp, int status, String message) {
    if (resp.isCommitted()) {
      log.debug("Cannot send error {} '{}': response already committed", status, message);
      return;
    }
    try {
      resp.resetBuffer();
      writeJson(resp, status, JobJson.errorBytes(status, message == null ? "error" : message));
    } catch (IOException | IllegalStateException e) {
      log.debug("Cannot send error {}: {}", status, e.toString());
    }
  }
}
