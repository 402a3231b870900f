package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/analyze/batch} and {@code POST /api/generate/batch} over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchApiTest {
  private AppFixture app;
  private final List<String> imageIds = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    app = AppFixture.start(dir, "memory");
    for (int i = 0; i < 3; i++) {
      imageIds.add(app.upload(TestImages.png(80 + i * 10, 60), "batch-" + i + ".png"));
    }
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void asyncBatchAnalyzeAnswers202_andRunsOneAnalyzeChildPerImage() throws Exception {
    AppFixture.Answer a =
        app.postJson(
            "/api/analyze/batch?async=true",
            Map.of("image_ids", imageIds, "analyzer", "brightness"));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
    assertThat(a.body().get("status").asText()).isEqualTo("queued");
    String parent = a.body().get("job_id").asText();
    await().atMost(Duration.ofSeconds(60)).until(() -> app.status(parent).equals("completed"));
    JsonNode job = app.job(parent);
    assertThat(job.get("type").asText()).isEqualTo("batch_analyze");
    assertThat(job.get("total_steps").asInt()).isEqualTo(3);
    assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(job.get("progress_message").asText()).isEqualTo("3/3 tasks done");
    List<String> analyzed = new ArrayList<>();
    for (JsonNode id : job.get("child_job_ids")) {
      JsonNode child = app.job(id.asText());
      assertThat(child.get("type").asText()).isEqualTo("analyze");
      assertThat(child.get("status").asText()).isEqualTo("completed");
      assertThat(child.get("user_id")).isEqualTo(job.get("user_id"));
      assertThat(child.get("result").get("analyzer").asText()).isEqualTo("brightness");
      analyzed.add(child.get("result").get("image_id").asText());
    }
    assertThat(analyzed).containsExactlyInAnyOrderElementsOf(imageIds);
  }

  @Test
  void batchAnalyzeWithoutAsyncWaitsForTheChildren() throws Exception {
    AppFixture.Answer a =
        app.postJson(
            "/api/analyze/batch", Map.of("image_ids", imageIds.subList(0, 2), "analyzer", "edges"));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(200);
    assertThat(a.body().get("status").asText()).isEqualTo("completed");
    assertThat(a.body().get("result").get("analyzer").asText()).isEqualTo("edges");
    for (JsonNode id : app.job(a.body().get("job_id").asText()).get("child_job_ids")) {
      assertThat(app.status(id.asText())).isEqualTo("completed");
    }
  }

  @Test
  void batchGenerateRendersOneImagePerPrompt_withTheSeedsAsyncMode() throws Exception {
    AppFixture.Answer a =
        app.postJson(
            "/api/generate/batch?async_mode=true",
            Map.of("prompts", List.of("red dunes", "blue fjord"), "width", 48, "height", 32));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
    assertThat(a.body().get("status").asText()).isEqualTo("queued");
    String parent = a.body().get("job_id").asText();
    await().atMost(Duration.ofSeconds(60)).until(() -> app.status(parent).equals("completed"));
    JsonNode job = app.job(parent);
    assertThat(job.get("type").asText()).isEqualTo("batch_generate");
    assertThat(job.get("progress_message").asText()).contains("2/2");
    List<String> titles = new ArrayList<>();
    for (JsonNode id : job.get("child_job_ids")) {
      JsonNode child = app.job(id.asText());
      assertThat(child.get("type").asText()).isEqualTo("generate_image");
      assertThat(child.get("result").get("width").asInt()).isEqualTo(48);
      assertThat(app.get(child.get("result").get("url").asText()).contentType())
          .isEqualTo("image/png");
      titles.add(child.get("title").asText());
    }
    assertThat(titles).hasSize(2);
    assertThat(String.join(" ", titles)).contains("red dunes", "blue fjord");
  }

  @Test
  void batchGenerateWithoutAsyncWaits() throws Exception {
    AppFixture.Answer a =
        app.postJson(
            "/api/generate/batch", Map.of("prompts", List.of("one"), "width", 20, "height", 20));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(200);
    assertThat(a.body().get("result").get("prompts").get(0).asText()).isEqualTo("one");
  }

  @Test
  void cancellingTheParentCancelsTheChildren() throws Exception {
    // 200 ms per percent of rows: each child needs about 20 s, and only two render at once
    String parent =
        app.startAsync(
            "/api/generate/batch",
            Map.of("prompts", List.of("a", "b", "c"), "width", 64, "height", 100, "pace_ms", 200));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> app.job(parent).get("child_job_ids").size() == 3);
    AppFixture.Answer cancel =
        app.send(
            "POST", "/api/jobs/" + parent + "/cancel", HttpRequest.BodyPublishers.noBody(), null);
    assertThat(cancel.status()).as("%s", cancel.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> app.status(parent).equals("cancelled"));
    // The cancel reaches every child before it answers: a child ends cancelled unless it had
    // completed already, so whatever the machine's speed, this is the one outcome.
    Instant cancelledAt = Instant.parse(app.job(parent).get("completed_at").asText());
    for (JsonNode id : app.job(parent).get("child_job_ids")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !List.of("queued", "running").contains(app.status(id.asText())));
      JsonNode child = app.job(id.asText());
      if (!child.get("status").asText().equals("cancelled")) {
        assertThat(child.get("status").asText()).isEqualTo("completed");
        assertThat(Instant.parse(child.get("completed_at").asText()))
            .isBeforeOrEqualTo(cancelledAt);
      }
    }
  }

  @Test
  void childrenKeepTheGenerateConcurrencyLimit() throws Exception {
    // 4 workers, so at most 2 renders at once (ExampleServer); the batch asks for 4
    String parent =
        app.startAsync(
            "/api/generate/batch",
            Map.of(
                "prompts",
                List.of("p1", "p2", "p3", "p4"),
                "width",
                32,
                "height",
                100,
                "pace_ms",
                10));
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              seen.add(
                  app.get("/api/jobs?status=running&limit=100&parent_job_id=" + parent)
                      .body()
                      .size());
              return app.status(parent).equals("completed");
            });
    assertThat(seen).allMatch(n -> n <= 2);
    assertThat(app.job(parent).get("child_job_ids")).hasSize(4);
  }

  @Test
  void badBatchInputGetsSpecific400s() throws Exception {
    String batch = "/api/analyze/batch";
    assertError(app.postJson(batch, Map.of("analyzer", "colors")), "missing field 'image_ids'");
    assertError(
        app.postJson(batch, Map.of("image_ids", List.of(), "analyzer", "colors")),
        "must list at least one item");
    assertError(
        app.postJson(
            batch,
            Map.of("image_ids", Collections.nCopies(101, imageIds.get(0)), "analyzer", "colors")),
        "lists 101 items; at most 100");
    assertError(
        app.postJson(batch, Map.of("image_ids", imageIds.get(0), "analyzer", "colors")),
        "must be an array of strings");
    assertError(
        app.postJson(batch, Map.of("image_ids", List.of(imageIds.get(0), 7), "analyzer", "colors")),
        "image_ids[1] must be a non-empty string");
    assertError(
        app.postJson(
            batch, Map.of("image_ids", List.of(imageIds.get(0), "missing"), "analyzer", "colors")),
        "image_ids[1]: no image with id 'missing'");
    assertError(
        app.postJson(batch, Map.of("image_ids", imageIds, "analyzer", "nope")),
        "unknown analyzer 'nope'");
    assertError(
        app.postJson(batch, Map.of("image_ids", imageIds, "analyzer", "comprehensive")),
        "unknown analyzer 'comprehensive'");
    assertError(app.postJson(batch, Map.of("image_ids", imageIds)), "missing field 'analyzer'");
    String gen = "/api/generate/batch";
    assertError(app.postJson(gen, Map.of("prompts", List.of())), "must list at least one item");
    assertError(
        app.postJson(gen, Map.of("prompts", Collections.nCopies(101, "x"))),
        "lists 101 items; at most 100");
    assertError(app.postJson(gen, Map.of("prompts", List.of("ok", 3))), "prompts[1] must be");
    assertError(app.postJson(gen, Map.of("prompts", List.of("ok", " "))), "prompts[1] must be");
    assertError(
        app.postJson(gen, Map.of("prompts", List.of("x".repeat(501)))), "at most 500 characters");
    assertError(
        app.postJson(gen, Map.of("prompts", List.of("x"), "width", 8192)),
        "field 'width' must be between 16 and 4096");
    assertError(
        app.postJson(gen, Map.of("prompts", List.of("x"), "height", 4)),
        "field 'height' must be between 16 and 4096");
    assertError(
        app.postJson(gen, Map.of("prompts", List.of("x"), "width", "wide")),
        "field 'width' must be an integer");
    AppFixture.Answer get = app.get(gen);
    assertThat(get.status()).isEqualTo(405);
    AppFixture.Answer nested = app.postJson(gen + "/more", Map.of("prompts", List.of("x")));
    assertThat(nested.status()).isEqualTo(404);
  }

  private static void assertError(AppFixture.Answer a, String text) {
    assertThat(a.status()).as("%s", a.body()).isEqualTo(400);
    assertThat(a.body().get("status").asInt()).isEqualTo(400);
    assertThat(a.body().get("error").asText()).contains(text);
  }
}
