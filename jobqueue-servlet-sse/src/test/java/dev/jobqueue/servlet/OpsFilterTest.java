package dev.jobqueue.servlet;

import static dev.jobqueue.servlet.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator calls over HTTP: job logs ({@code GET {base}/{id}/logs}, {@code event: log} only for
 * streams that ask) and pause/resume of job types behind the host's permission.
 */
class OpsFilterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final CountDownLatch more = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final List<AutoCloseable> toClose = new ArrayList<>();
  JobQueue queue;
  String base;

  @BeforeEach
  void start() throws Exception {
    queue =
        JobQueue.builder()
            .workers(2)
            .handler("work", ctx -> Map.of())
            .handler(
                "chatty",
                ctx -> {
                  ctx.log("line <b>1</b>");
                  more.await();
                  ctx.log("line 2");
                  release.await();
                  return Map.of();
                })
            .build();
    base =
        serve(
            JobQueueFilter.builder(queue)
                .userResolver(req -> req.getHeader("X-User"))
                .allowTypePause(req -> "admin".equals(req.getHeader("X-User")))
                .heartbeat(Duration.ofSeconds(10))
                .build());
  }

  private String serve(JobQueueFilter filter) throws Exception {
    JettyContainer container = new JettyContainer();
    int port = container.start(filter);
    toClose.add(container);
    toClose.add(filter::destroy);
    return "http://localhost:" + port;
  }

  @AfterEach
  void stop() throws Exception {
    more.countDown();
    release.countDown();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    queue.close();
  }

  HttpResponse<String> send(String url, String method, String user) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      b.header("X-User", user);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  SseStream stream(String query, String user) throws Exception {
    SseStream s =
        new SseStream(
            http,
            HttpRequest.newBuilder(URI.create(base + "/api/jobs/stream" + query))
                .header("X-User", user)
                .GET()
                .build());
    toClose.add(s);
    return s;
  }

  static void assertError(HttpResponse<String> r, int status, String words) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().contains("json");
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("error").asText()).contains(words);
  }

  /** Texts of the {@code event: log} lines a stream got, in order. */
  static List<String> logTexts(SseStream s) throws Exception {
    List<String> out = new ArrayList<>();
    for (SseStream.Block b : s.events()) {
      if ("log".equals(b.event())) {
        assertThat(b.id()).as("log events carry no id, so Last-Event-ID is unaffected").isNull();
        for (JsonNode line : JSON.readTree(b.data()).get("lines")) {
          out.add(line.get("text").asText());
        }
      }
    }
    return out;
  }

  static boolean hasStatus(SseStream s, String jobId, String status) throws Exception {
    for (SseStream.Block b : s.events()) {
      if (b.event() == null) {
        JsonNode n = JSON.readTree(b.data());
        if (n.get("job_id").asText().equals(jobId) && n.get("status").asText().equals(status)) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void logsAreServedToTheJobsUserOnly() throws Exception {
    Job j = queue.submit(JobRequest.builder("chatty", "talks").userId("alice").build());
    String url = base + "/api/jobs/" + j.id() + "/logs";
    await()
        .until(() -> JSON.readTree(send(url, "GET", "alice").body()).get("attempts").size() == 1);
    HttpResponse<String> r = send(url, "GET", "alice");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("job_id").asText()).isEqualTo(j.id());
    JsonNode attempt = body.get("attempts").get(0);
    assertThat(attempt.get("attempt").asInt()).isEqualTo(1);
    assertThat(attempt.get("dropped").asLong()).isZero();
    assertThat(attempt.get("dropped_marker").isNull()).isTrue();
    assertThat(attempt.get("lines").get(0).get("text").asText()).isEqualTo("line <b>1</b>");
    assertThat(attempt.get("lines").get(0).get("at").asText()).endsWith("Z");
    assertError(send(url, "GET", "bob"), 404, "does not exist");
    assertError(send(base + "/api/jobs/nope/logs", "GET", "alice"), 404, "does not exist");
    assertError(send(url, "POST", "alice"), 405, "POST");
  }

  @Test
  void logLinesStreamOnlyToClientsThatAskForThem() throws Exception {
    SseStream plain = stream("", "alice");
    SseStream withLogs = stream("?logs=true", "alice");
    SseStream bobs = stream("?logs=true", "bob");
    Job j = queue.submit(JobRequest.builder("chatty", "talks").userId("alice").build());
    SseStream oneJob = stream("?job_id=" + j.id(), "alice");
    await().until(() -> logTexts(withLogs).contains("line <b>1</b>"));
    more.countDown();
    await()
        .until(
            () ->
                logTexts(withLogs).equals(List.of("line <b>1</b>", "line 2"))
                    && logTexts(oneJob).contains("line 2"));
    release.countDown();
    // frames reach each client in the order they were queued: once the job's end is there, a log
    // frame queued for the plain stream would be there too
    await().until(() -> hasStatus(plain, j.id(), "completed"));
    assertThat(logTexts(plain)).isEmpty();
    Job bobsJob = queue.submit(JobRequest.builder("work", "bob's").userId("bob").build());
    await().until(() -> hasStatus(bobs, bobsJob.id(), "completed"));
    assertThat(logTexts(bobs)).isEmpty();
    assertError(send(base + "/api/jobs/stream?logs=maybe", "GET", "alice"), 400, "true or false");
  }

  @Test
  void onlyPermittedCallersPauseAndResumeATypeAndEveryStreamHearsOfIt() throws Exception {
    String pause = base + "/api/jobs/types/work/pause";
    SseStream s = stream("", "alice");
    await().until(() -> !s.lines.isEmpty());
    assertError(send(pause, "POST", "alice"), 403, "not allowed");
    assertThat(queue.pausedTypes()).isEmpty();

    HttpResponse<String> paused = send(pause, "POST", "admin");
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    assertThat(JSON.readTree(paused.body()))
        .isEqualTo(
            JSON.readTree("{\"type\":\"work\",\"paused\":true,\"paused_types\":[\"work\"]}"));
    assertThat(queue.pausedTypes()).containsExactly("work");
    JsonNode stats = JSON.readTree(send(base + "/api/jobs/stats", "GET", "alice").body());
    assertThat(stats.get("paused_types").toString()).isEqualTo("[\"work\"]");
    Job waiting = queue.submit(JobRequest.builder("work", "waits").userId("alice").build());
    await().until(() -> pausedEvents(s).contains("[\"work\"]"));
    SseStream late = stream("", "alice");
    await().until(() -> pausedEvents(late).contains("[\"work\"]"));

    HttpResponse<String> resumed = send(base + "/api/jobs/types/work/resume", "POST", "admin");
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(JSON.readTree(resumed.body()).get("paused").asBoolean()).isFalse();
    assertThat(queue.await(waiting.id(), Duration.ofSeconds(30)).status())
        .isEqualTo(JobStatus.COMPLETED);
    await().until(() -> pausedEvents(s).equals(List.of("[\"work\"]", "[]")));
    stats = JSON.readTree(send(base + "/api/jobs/stats", "GET", "alice").body());
    assertThat(stats.get("paused_types").toString()).isEqualTo("[]");

    assertError(send(pause, "GET", "admin"), 405, "POST");
    assertError(send(base + "/api/jobs/types/work/stop", "POST", "admin"), 404, "no such");
    assertError(send(base + "/api/jobs/types/%20/pause", "POST", "admin"), 400, "blank");
  }

  @Test
  void pausingIsRefusedUnlessTheHostEnabledIt() throws Exception {
    String other =
        serve(JobQueueFilter.builder(queue).userResolver(req -> req.getHeader("X-User")).build());
    assertError(send(other + "/api/jobs/types/work/pause", "POST", "admin"), 403, "not enabled");
    assertThat(queue.pausedTypes()).isEmpty();
  }

  static List<String> pausedEvents(SseStream s) throws Exception {
    List<String> out = new ArrayList<>();
    for (SseStream.Block b : s.events()) {
      if ("paused".equals(b.event())) {
        out.add(JSON.readTree(b.data()).get("paused_types").toString());
      }
    }
    return out;
  }
}
