package dev.jobqueue.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.Schedule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schedule changes over HTTP ({@code POST {base}/schedules/{id}/pause|resume}, {@code DELETE
 * {base}/schedules/{id}}) behind the host's permission and scoped to the caller's user, and the 409
 * a retry gets while another job holds its unique key.
 */
class ScheduleFilterTest {
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
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
                "render",
                ctx -> {
                  if (Boolean.TRUE.equals(ctx.input().get("fail"))) {
                    throw new IllegalStateException("render failed on purpose");
                  }
                  release.await();
                  return Map.of();
                })
            .build();
    base =
        serve(
            JobQueueFilter.builder(queue)
                .userResolver(req -> req.getHeader("X-User"))
                .allowScheduleChanges(req -> !"guest".equals(req.getHeader("X-User")))
                .build());
    queue.schedule(
        "alice-nightly",
        Schedule.cron("0 3 * * *", ZoneId.of("Europe/Berlin")),
        JobRequest.builder("work", "Nightly report").userId("alice").build());
    queue.schedule(
        "bob-hourly",
        Schedule.every(Duration.ofHours(1)),
        JobRequest.builder("work", "Bob's").userId("bob").build());
    queue.schedule(
        "guest-hourly",
        Schedule.every(Duration.ofHours(1)),
        JobRequest.builder("work", "Guest's").userId("guest").build());
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
    release.countDown();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    queue.close();
  }

  HttpResponse<String> send(String url, String method, String user) throws Exception {
    return send(url, method, user, null);
  }

  HttpResponse<String> send(String url, String method, String user, String origin)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      b.header("X-User", user);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void assertError(HttpResponse<String> r, int status, String words) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().contains("json");
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("error").asText()).contains(words);
  }

  RecurringSchedule stored(String id) {
    return queue.schedules().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
  }

  @Test
  void aPermittedCallerPausesResumesAndDeletesTheirOwnSchedule() throws Exception {
    String url = base + "/api/jobs/schedules/alice-nightly";
    HttpResponse<String> one = send(url, "GET", "alice");
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
    assertThat(JSON.readTree(one.body()).get("schedule_id").asText()).isEqualTo("alice-nightly");

    HttpResponse<String> paused = send(url + "/pause", "POST", "alice");
    assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    JsonNode p = JSON.readTree(paused.body());
    assertThat(p.get("schedule_id").asText()).isEqualTo("alice-nightly");
    assertThat(p.get("paused").asBoolean()).isTrue();
    assertThat(p.get("schedule").asText()).isEqualTo("cron Europe/Berlin 0 3 * * *");
    assertThat(stored("alice-nightly").paused()).isTrue();
    JsonNode list = JSON.readTree(send(base + "/api/jobs/schedules", "GET", "alice").body());
    assertThat(list.at("/0/paused").asBoolean()).isTrue();

    HttpResponse<String> resumed = send(url + "/resume", "POST", "alice");
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(JSON.readTree(resumed.body()).get("paused").asBoolean()).isFalse();
    assertThat(stored("alice-nightly").paused()).isFalse();

    HttpResponse<String> deleted = send(url, "DELETE", "alice");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertThat(stored("alice-nightly")).isNull();
    assertError(send(url, "DELETE", "alice"), 404, "schedule alice-nightly does not exist");
    assertError(send(url + "/pause", "POST", "alice"), 404, "does not exist");
  }

  @Test
  void anotherUsersScheduleIsNotFoundAndStaysUnchanged() throws Exception {
    String bobs = base + "/api/jobs/schedules/bob-hourly";
    assertError(send(bobs, "GET", "alice"), 404, "schedule bob-hourly does not exist");
    assertError(send(bobs + "/pause", "POST", "alice"), 404, "schedule bob-hourly does not exist");
    assertError(send(bobs + "/resume", "POST", "alice"), 404, "does not exist");
    assertError(send(bobs, "DELETE", "alice"), 404, "does not exist");
    assertThat(stored("bob-hourly")).isNotNull();
    assertThat(stored("bob-hourly").paused()).isFalse();
    // the same answer as for an id nobody has: existence is not revealed
    assertError(send(base + "/api/jobs/schedules/nope/pause", "POST", "alice"), 404, "nope");
    assertError(send(base + "/api/jobs/schedules/nope", "DELETE", "alice"), 404, "nope");
  }

  @Test
  void unpermittedCallersCrossOriginCallsAndWrongMethodsAreRefused() throws Exception {
    String guests = base + "/api/jobs/schedules/guest-hourly";
    assertError(send(guests + "/pause", "POST", "guest"), 403, "not allowed");
    assertError(send(guests, "DELETE", "guest"), 403, "not allowed");
    assertThat(send(guests, "GET", "guest").statusCode()).isEqualTo(200);
    assertThat(stored("guest-hourly").paused()).isFalse();

    String alices = base + "/api/jobs/schedules/alice-nightly";
    assertError(
        send(alices + "/pause", "POST", "alice", "http://evil.example"), 403, "cross-origin");
    assertError(send(alices, "DELETE", "alice", "http://evil.example"), 403, "cross-origin");
    assertThat(stored("alice-nightly")).isNotNull();
    assertThat(stored("alice-nightly").paused()).isFalse();
    HttpResponse<String> sameOrigin = send(alices + "/pause", "POST", "alice", base);
    assertThat(sameOrigin.statusCode()).as(sameOrigin.body()).isEqualTo(200);

    assertError(send(alices + "/pause", "GET", "alice"), 405, "POST");
    assertError(send(alices, "POST", "alice"), 405, "GET, DELETE");
    assertError(send(alices + "/stop", "POST", "alice"), 404, "no such API path");
    assertError(send(alices + "/pause", "POST", null), 401, "sign in");
  }

  @Test
  void changesAreRefusedUnlessTheHostEnabledThem() throws Exception {
    String other =
        serve(JobQueueFilter.builder(queue).userResolver(req -> req.getHeader("X-User")).build());
    String url = other + "/api/jobs/schedules/alice-nightly";
    assertError(send(url + "/pause", "POST", "alice"), 403, "not enabled");
    assertError(send(url + "/resume", "POST", "alice"), 403, "allowScheduleChanges");
    assertError(send(url, "DELETE", "alice"), 403, "not enabled");
    assertThat(stored("alice-nightly").paused()).isFalse();
    HttpResponse<String> list = send(other + "/api/jobs/schedules", "GET", "alice");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(list.body()).size()).isEqualTo(1);
  }

  @Test
  void retryWhileAnotherJobHoldsTheUniqueKeyIsAConflictNamingIt() throws Exception {
    Job failed =
        queue.submit(
            JobRequest.builder("render", "first")
                .userId("alice")
                .uniqueKey("gen:cat:512")
                .input(Map.of("fail", true))
                .maxAttempts(1)
                .build());
    assertThat(queue.await(failed.id(), Duration.ofSeconds(30)).status())
        .isEqualTo(JobStatus.FAILED);
    Job holder =
        queue.submit(
            JobRequest.builder("render", "second")
                .userId("alice")
                .uniqueKey("gen:cat:512")
                .build());
    assertThat(holder.id()).isNotEqualTo(failed.id());

    HttpResponse<String> r = send(base + "/api/jobs/" + failed.id() + "/retry", "POST", "alice");
    assertError(r, 409, "gen:cat:512");
    assertThat(JSON.readTree(r.body()).get("error").asText())
        .contains("job " + failed.id() + " cannot be retried now")
        .contains(holder.id());
    assertThat(queue.get(failed.id()).status()).isEqualTo(JobStatus.FAILED);

    release.countDown();
    assertThat(queue.await(holder.id(), Duration.ofSeconds(30)).status())
        .isEqualTo(JobStatus.COMPLETED);
    HttpResponse<String> again =
        send(base + "/api/jobs/" + failed.id() + "/retry", "POST", "alice");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
  }
}
