package dev.jobqueue.servlet.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStatus;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code GET {base}/stream}: checks the request, then hands the connection to the hub. */
public final class StreamEndpoint {
  private final ApiConfig config;
  private final SseHub hub;
  private final SseFrames frames;

  public StreamEndpoint(ApiConfig config, SseHub hub, SseFrames frames) {
    this.config = config;
    this.hub = hub;
    this.frames = frames;
  }

  public void open(HttpServletRequest req, HttpServletResponse resp, String user)
      throws IOException {
    StreamScope scope =
        new StreamScope(
            user,
            QueryParams.statuses(req),
            QueryParams.text(req, "job_id"),
            QueryParams.text(req, "parent_job_id"),
            QueryParams.bool(req, "logs"));
    if (scope.jobId() != null) {
      // Watching one job: it must exist and be the caller's, like GET {base}/{id}.
      Job job = config.queue().find(scope.jobId()).orElse(null);
      if (job == null || !scope.isOwnAndSelected(job)) {
        throw HttpError.notFound("job " + scope.jobId() + " does not exist");
      }
    }
    if (!req.isAsyncSupported()) {
      throw new HttpError(
          500,
          "the jobqueue filter (and the servlet behind it) must be registered"
              + " with async support for the event stream; see the jobqueue-servlet-sse README");
    }
    if (!hub.tryReserve()) {
      throw new HttpError(
          503,
          "too many open event streams (limit " + config.maxConnections() + "); try again later",
          Map.of("Retry-After", "5"));
    }
    SseConnection conn;
    try {
      resp.setStatus(200);
      resp.setContentType("text/event-stream");
      resp.setHeader("Cache-Control", "no-cache");
      resp.setHeader("X-Accel-Buffering", "no"); // nginx would otherwise hold events back
      // Every open stream keeps its response buffer: Jetty's default is a 32 KiB direct buffer
      // per stream. Several typical job events still fit in a flush, and a larger one is written
      // straight through. (Tomcat only ever grows its 8 KiB heap buffer, so there it is a no-op.)
      resp.setBufferSize(ApiConfig.STREAM_BUFFER_BYTES);
      AsyncContext async = req.startAsync(req, resp);
      async.setTimeout(0); // open until the client leaves; dead peers are found by heartbeats
      conn =
          new SseConnection(
              hub,
              async,
              scope,
              req.getRemoteAddr() + ":" + req.getRemotePort(),
              config.clientBuffer());
      async.addListener(conn);
    } catch (RuntimeException e) {
      hub.unreserve();
      throw e;
    }
    try {
      ServletOutputStream out = resp.getOutputStream();
      SseHub.Attachment at = hub.attach(conn, QueryParams.lastEventId(req));
      List<Frame> first = new ArrayList<>();
      first.add(SseFrames.retry(config.reconnectDelay()));
      hub.pausedFrame().ifPresent(first::add); // only when some type is paused
      if (at.replayed()) {
        first.addAll(at.replay());
        conn.start(first, Map.of(), -1, out);
        return;
      }
      if (at.resetReason() != null) {
        first.add(SseFrames.reset(at.resetReason()));
      }
      List<Job> snapshot = snapshot(scope);
      long snapshotSequence = hub.snapshotHorizon();
      Map<String, Long> versions = new HashMap<>();
      for (int i = 0; i < snapshot.size(); i++) {
        Job j = snapshot.get(i);
        versions.put(j.id(), j.version());
        // the last entry carries the sequence the client registered at: resume point
        first.add(frames.forSnapshot(j, i == snapshot.size() - 1 ? at.sequence() : -1));
      }
      if (snapshot.isEmpty()) {
        first.add(SseFrames.idOnly(at.sequence()));
      }
      conn.start(first, versions, snapshotSequence, out);
    } catch (IOException | RuntimeException e) {
      conn.close("could not start: " + e, false);
      throw e;
    }
  }

  /**
   * The jobs a client sees on connect, oldest first: recent finished ones (bounded), then the
   * queued and running ones, each filtered like the live events.
   */
  private List<Job> snapshot(StreamScope scope) {
    JobQueue queue = config.queue();
    List<Job> out = new ArrayList<>();
    if (scope.jobId() != null) {
      queue.find(scope.jobId()).filter(scope::matches).ifPresent(out::add);
      return out;
    }
    Set<JobStatus> watched =
        scope.statuses().isEmpty() ? EnumSet.allOf(JobStatus.class) : scope.statuses();
    EnumSet<JobStatus> finished = EnumSet.noneOf(JobStatus.class);
    EnumSet<JobStatus> active = EnumSet.noneOf(JobStatus.class);
    for (JobStatus s : watched) {
      (s.isTerminal() ? finished : active).add(s);
    }
    if (!finished.isEmpty()) {
      out.addAll(reversed(queue.list(query(scope, finished, ApiConfig.SNAPSHOT_FINISHED_LIMIT))));
    }
    if (!active.isEmpty()) {
      out.addAll(reversed(queue.list(query(scope, active, ApiConfig.SNAPSHOT_ACTIVE_LIMIT))));
    }
    out.removeIf(j -> !scope.matches(j)); // also records them as shown for status filters
    return out;
  }

  private static JobQuery query(StreamScope scope, Set<JobStatus> statuses, int limit) {
    return JobQuery.builder()
        .statuses(statuses)
        .userId(scope.user())
        .parentJobId(scope.parentJobId())
        .limit(limit)
        .build();
  }

  private static List<Job> reversed(List<Job> newestFirst) {
    List<Job> copy = new ArrayList<>(newestFirst);
    Collections.reverse(copy);
    return copy;
  }
}
