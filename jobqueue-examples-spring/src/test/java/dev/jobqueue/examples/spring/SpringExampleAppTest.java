package dev.jobqueue.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SpringExampleAppTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEXT = "one two three\nthree two\none one\n";

  @LocalServerPort int port;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void submitFollowTheStreamToCompletionThenReadMetricsAndHealth() throws Exception {
    HttpResponse<String> started =
        send(
            HttpRequest.newBuilder(uri("/count?async=true"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + json(TEXT) + "\"}")));
    assertThat(started.statusCode()).isEqualTo(202);
    JsonNode answer = JSON.readTree(started.body());
    String id = answer.get("job_id").asText();
    assertThat(answer.get("status").asText()).isEqualTo("queued");

    List<JsonNode> seen = follow(id);
    JsonNode last = seen.get(seen.size() - 1);
    assertThat(last.get("status").asText()).isEqualTo("completed");
    assertThat(last.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(last.get("result").get("words").asInt()).isEqualTo(7);
    assertThat(last.get("result").get("distinct").asInt()).isEqualTo(3);

    // the counts gauge reads the store through a short cache: wait until it has caught up
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(metric("jobqueue.jobs?tag=status:completed&tag=type:count_words"))
                    .isEqualTo(1.0));
    JsonNode jobs = JSON.readTree(get("/actuator/metrics/jobqueue.jobs").body());
    assertThat(jobs.get("availableTags").findValuesAsText("tag")).contains("status", "type");
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(metric("jobqueue.jobs.finished?tag=outcome:completed")).isEqualTo(1.0));

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode h = JSON.readTree(health.body());
    assertThat(h.get("status").asText()).isEqualTo("UP");
    JsonNode component = h.get("components").get("jobqueue");
    assertThat(component.get("status").asText()).isEqualTo("UP");
    assertThat(component.get("details").get("types").get(0).asText()).isEqualTo("count_words");
  }

  @Test
  void thePageCarriesTheWidgetAndTheFilterServesIt() throws Exception {
    String page = get("/").body();
    assertThat(page)
        .contains("<script src=\"/api/jobs/ui/task-manager.js\"></script>")
        .contains("<job-task-manager");
    HttpResponse<String> js = get("/api/jobs/ui/task-manager.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.body()).contains("customElements.define");
  }

  @Test
  void withoutAsyncTheCallWaitsForTheResultAndBadInputIs400() throws Exception {
    HttpResponse<String> done =
        send(
            HttpRequest.newBuilder(uri("/count"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"a b a\"}")));
    assertThat(done.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(done.body());
    assertThat(body.get("status").asText()).isEqualTo("completed");
    assertThat(body.get("result").get("words").asInt()).isEqualTo(3);

    HttpResponse<String> bad =
        send(
            HttpRequest.newBuilder(uri("/count?async=true"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": 5}")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("error").asText()).contains("\"text\"");
  }

  /** Reads the job's SSE stream until the job has ended; returns every job snapshot it carried. */
  private List<JsonNode> follow(String id) throws Exception {
    HttpResponse<InputStream> stream =
        http.send(
            HttpRequest.newBuilder(uri("/api/jobs/stream?job_id=" + id)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/event-stream");
    CompletableFuture<List<JsonNode>> reading =
        CompletableFuture.supplyAsync(
            () -> {
              List<JsonNode> seen = new ArrayList<>();
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("data:")) {
                    JsonNode job = JSON.readTree(line.substring(5).trim());
                    if (id.equals(job.path("job_id").asText())) {
                      seen.add(job);
                      String status = job.get("status").asText();
                      if (status.equals("completed") || status.equals("failed")) {
                        return seen;
                      }
                    }
                  }
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              throw new IllegalStateException("the stream ended before the job did: " + seen);
            });
    return reading.get(30, TimeUnit.SECONDS);
  }

  private double metric(String nameAndQuery) throws Exception {
    HttpResponse<String> resp = get("/actuator/metrics/" + nameAndQuery);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    for (JsonNode m : JSON.readTree(resp.body()).get("measurements")) {
      if (m.get("statistic").asText().equals("VALUE")
          || m.get("statistic").asText().equals("COUNT")) {
        return m.get("value").asDouble();
      }
    }
    throw new AssertionError("no value in " + resp.body());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private static String json(String s) {
    return s.replace("\n", "\\n");
  }
}
