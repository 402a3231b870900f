package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's HTTP API over real HTTP (no browser): uploads, analyses, generation, presets, errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExampleApiTest {
  private AppFixture app;
  private String imageId;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    app = AppFixture.start(dir, "memory");
    imageId = app.upload(TestImages.png(320, 200), "scene.png");
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void uploadsAreSniffedByContent() throws Exception {
    for (String format : new String[] {"png", "jpg", "gif", "bmp"}) {
      byte[] bytes = TestImages.encode(TestImages.scene(60, 40), format);
      String id = app.upload(bytes, "x." + format);
      AppFixture.Answer image = app.get("/api/images/" + id);
      assertThat(image.status()).isEqualTo(200);
      assertThat(image.contentType()).startsWith("image/");
    }
    AppFixture.Answer text =
        app.send(
            "POST",
            "/api/images?name=note.png",
            HttpRequest.BodyPublishers.ofString("just some text, not an image"),
            "image/png");
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.body().get("status").asInt()).isEqualTo(415);
    assertThat(text.body().get("error").asText()).contains("not an image");
  }

  @Test
  void multipartUploadUsesTheFileField() throws Exception {
    String boundary = "----jq" + System.nanoTime();
    byte[] png = TestImages.png(50, 50);
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"multi.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + png.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(png, 0, body, head.length, png.length);
    System.arraycopy(tail, 0, body, head.length + png.length, tail.length);
    AppFixture.Answer a =
        app.send(
            "POST",
            "/api/images",
            HttpRequest.BodyPublishers.ofByteArray(body),
            "multipart/form-data; boundary=" + boundary);
    assertThat(a.status()).as("%s", a.body()).isEqualTo(201);
    assertThat(a.body().get("name").asText()).isEqualTo("multi.png");
    assertThat(a.body().get("width").asInt()).isEqualTo(50);
  }

  @Test
  void oversizedUploadIs413() throws Exception {
    byte[] big = new byte[20 * 1024 * 1024 + 1];
    System.arraycopy(TestImages.png(10, 10), 0, big, 0, 8);
    AppFixture.Answer a =
        app.send("POST", "/api/images", HttpRequest.BodyPublishers.ofByteArray(big), "image/png");
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.body().get("error").asText()).contains("20 MB");
  }

  @Test
  void analyzersAreListed() throws Exception {
    JsonNode list = app.get("/api/analyzers").body();
    assertThat(list).hasSizeGreaterThanOrEqualTo(6);
    assertThat(list.findValuesAsText("name"))
        .contains("colors", "brightness", "sharpness", "edges", "composition", "metadata");
    assertThat(list.get(0).get("description").asText()).isNotBlank();
  }

  @Test
  void syncAnalysisBlocksAndReturnsTheResult_withAPresetAndItsThumbnail() throws Exception {
    AppFixture.Answer a = app.postJson("/api/analyze/colors", Map.of("image_id", imageId));
    assertThat(a.status()).isEqualTo(200);
    JsonNode result = a.body().get("result");
    assertThat(a.body().get("status").asText()).isEqualTo("completed");
    assertThat(result.get("data").get("palette")).hasSizeGreaterThanOrEqualTo(3);
    String preset = result.get("preset_id").asText();
    JsonNode p = app.get("/api/presets/" + preset).body();
    assertThat(p.get("analyzer").asText()).isEqualTo("colors");
    // the analysis job completes only after its thumbnail child ended
    assertThat(p.get("thumbnail_url").asText()).isEqualTo("/api/presets/" + preset + "/thumbnail");
    AppFixture.Answer thumb = app.get("/api/presets/" + preset + "/thumbnail");
    assertThat(thumb.status()).isEqualTo(200);
    assertThat(thumb.contentType()).isEqualTo("image/png");
    assertThat(app.get("/api/presets").body().findValuesAsText("preset_id")).contains(preset);
  }

  @Test
  void asyncAnalysisAnswers202WithTheJobId() throws Exception {
    AppFixture.Answer a =
        app.postJson("/api/analyze/edges?async=true", Map.of("image_id", imageId));
    assertThat(a.status()).isEqualTo(202);
    // the answer carries the snapshot the submit stored, not what a worker made of it since
    assertThat(a.body().get("status").asText()).isEqualTo("queued");
    String id = a.body().get("job_id").asText();
    await().atMost(Duration.ofSeconds(60)).until(() -> app.status(id).equals("completed"));
    assertThat(app.job(id).get("result").get("data").get("edge_density").asDouble())
        .isGreaterThan(0);
  }

  @Test
  void seedsAsyncModeIsASynonymOfAsync() throws Exception {
    AppFixture.Answer analyze =
        app.postJson("/api/analyze/brightness?async_mode=true", Map.of("image_id", imageId));
    assertThat(analyze.status()).as("%s", analyze.body()).isEqualTo(202);
    assertThat(analyze.body().get("status").asText()).isEqualTo("queued");
    assertThat(analyze.body().get("job_id").asText()).isNotBlank();
    AppFixture.Answer generate =
        app.postJson(
            "/api/generate?async_mode=true", Map.of("prompt", "seed", "width", 20, "height", 20));
    assertThat(generate.status()).as("%s", generate.body()).isEqualTo(202);
    assertThat(generate.body().get("status").asText()).isEqualTo("queued");
    AppFixture.Answer comprehensive =
        app.postJson(
            "/api/analyze/comprehensive?async_mode=true",
            Map.of("image_id", imageId, "analyses", List.of("metadata")));
    assertThat(comprehensive.status()).isEqualTo(202);
    AppFixture.Answer blocking =
        app.postJson("/api/analyze/metadata?async_mode=false", Map.of("image_id", imageId));
    assertThat(blocking.status()).isEqualTo(200);
    assertThat(blocking.body().get("status").asText()).isEqualTo("completed");
  }

  @Test
  void asyncAndAsyncModeTogetherAreRefused() throws Exception {
    Map<String, Object> body = Map.of("image_id", imageId);
    assertError(
        app.postJson("/api/analyze/colors?async=true&async_mode=false", body),
        400,
        "give either async or async_mode (its synonym), not both");
    assertError(
        app.postJson("/api/analyze/colors?async=true&async_mode=true", body), 400, "not both");
    assertError(
        app.postJson("/api/generate?async_mode=1&async=0", Map.of("prompt", "x")), 400, "not both");
    assertError(
        app.postJson("/api/analyze/colors?async_mode=maybe", body),
        400,
        "async_mode must be true or false, got 'maybe'");
    assertError(
        app.postJson("/api/analyze/colors?async_mode=true&async_mode=true", body),
        400,
        "parameter async_mode is given 2 times");
  }

  @Test
  void priorityAndDependsOnReachTheJob() throws Exception {
    String first =
        app.startAsync("/api/generate", Map.of("prompt", "first", "width", 20, "height", 20));
    AppFixture.Answer a =
        app.postJson(
            "/api/analyze/sharpness?async=true",
            Map.of("image_id", imageId, "priority", 7, "depends_on", List.of(first)));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
    String id = a.body().get("job_id").asText();
    JsonNode job = app.job(id);
    assertThat(job.get("priority").asInt()).isEqualTo(7);
    assertThat(job.get("depends_on")).hasSize(1);
    assertThat(job.get("depends_on").get(0).asText()).isEqualTo(first);
    await().atMost(Duration.ofSeconds(60)).until(() -> app.status(id).equals("completed"));
    assertThat(app.status(first)).isEqualTo("completed");
    AppFixture.Answer batch =
        app.postJson(
            "/api/generate/batch?async=true",
            Map.of(
                "prompts",
                List.of("p"),
                "width",
                20,
                "height",
                20,
                "priority",
                -3,
                "depends_on",
                List.of(id)));
    assertThat(batch.status()).as("%s", batch.body()).isEqualTo(202);
    String parent = batch.body().get("job_id").asText();
    assertThat(app.job(parent).get("priority").asInt()).isEqualTo(-3);
    await().atMost(Duration.ofSeconds(60)).until(() -> app.status(parent).equals("completed"));
    // the children run with their batch's priority
    String child = app.job(parent).get("child_job_ids").get(0).asText();
    assertThat(app.job(child).get("priority").asInt()).isEqualTo(-3);
  }

  @Test
  void dependsOnMustNameTheCallersOwnJobs() throws Exception {
    AppFixture other = app.otherBrowser();
    String theirs =
        other.startAsync("/api/generate", Map.of("prompt", "theirs", "width", 20, "height", 20));
    assertError(
        app.postJson(
            "/api/generate?async=true", Map.of("prompt", "x", "depends_on", List.of(theirs))),
        404,
        "depends_on: no job with id '" + theirs + "'");
    assertError(
        app.postJson(
            "/api/analyze/colors",
            Map.of("image_id", imageId, "depends_on", List.of("no-such-job"))),
        404,
        "depends_on: no job with id 'no-such-job'");
    assertError(
        app.postJson(
            "/api/analyze/batch",
            Map.of(
                "image_ids",
                List.of(imageId),
                "analyzer",
                "colors",
                "depends_on",
                List.of("no-such-job"))),
        404,
        "depends_on: no job with id 'no-such-job'");
    assertError(
        app.postJson("/api/generate", Map.of("prompt", "x", "depends_on", "abc")),
        400,
        "field 'depends_on' must be an array of strings");
    assertError(
        app.postJson("/api/generate", Map.of("prompt", "x", "depends_on", List.of(5))),
        400,
        "depends_on[0] must be a non-empty string");
    assertError(
        app.postJson("/api/generate", Map.of("prompt", "x", "priority", "high")),
        400,
        "field 'priority' must be an integer");
    assertError(
        app.postJson("/api/analyze/colors", Map.of("image_id", imageId, "priority", 5000)),
        400,
        "field 'priority' must be between -1000 and 1000");
  }

  @Test
  void comprehensiveAnalysis_countsItsPresets_waitsForEveryPreview_andWarnsOfAFailedOne()
      throws Exception {
    AppFixture.Answer a =
        app.postJson(
            "/api/analyze/comprehensive",
            Map.of(
                "image_id",
                imageId,
                "analyses",
                Map.of("brightness", true, "metadata", true),
                "fail_thumbnail",
                true));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(200);
    assertThat(a.body().get("result").get("summary").asText()).isEqualTo("2 presets created");
    // each preview is an optional child of the parent: its failure is the parent's warning
    assertThat(a.body().get("warnings")).hasSize(2);
    a.body()
        .get("warnings")
        .forEach(w -> assertThat(w.asText()).contains("Simulated thumbnail failure"));
    String parent = a.body().get("job_id").asText();
    JsonNode job = app.job(parent);
    assertThat(job.get("status").asText()).isEqualTo("completed");
    Instant parentEnd = Instant.parse(job.get("completed_at").asText());
    Map<String, Integer> types = new java.util.TreeMap<>();
    for (JsonNode child : job.get("child_job_ids")) {
      JsonNode c = app.job(child.asText());
      types.merge(c.get("type").asText(), 1, Integer::sum);
      boolean preview = c.get("type").asText().equals("generate_thumbnail");
      assertThat(c.get("optional").asBoolean()).isEqualTo(preview);
      assertThat(c.get("status").asText()).isEqualTo(preview ? "failed" : "completed");
      assertThat(c.get("child_job_ids")).isEmpty();
      assertThat(Instant.parse(c.get("completed_at").asText())).isBeforeOrEqualTo(parentEnd);
    }
    assertThat(types).isEqualTo(Map.of("analyze", 2, "generate_thumbnail", 2));
  }

  @Test
  void failingAnalysisCanBeRetried() throws Exception {
    AppFixture.Answer a =
        app.postJson(
            "/api/analyze/composition", Map.of("image_id", imageId, "fail_first_attempts", 1));
    assertThat(a.status()).isEqualTo(500);
    assertThat(a.body().get("error").asText())
        .contains("Simulated failure of the 'composition' analyzer on attempt 1");
    String id = a.body().get("job_id").asText();
    assertThat(
            app.send(
                    "POST", "/api/jobs/" + id + "/retry", HttpRequest.BodyPublishers.noBody(), null)
                .status())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(60)).until(() -> app.status(id).equals("completed"));
  }

  @Test
  void generationRendersAnImageThatCanBeAnalyzed() throws Exception {
    AppFixture.Answer a =
        app.postJson("/api/generate", Map.of("prompt", "quiet lake", "width", 200, "height", 120));
    assertThat(a.status()).isEqualTo(200);
    JsonNode result = a.body().get("result");
    AppFixture.Answer image = app.get(result.get("url").asText());
    assertThat(image.status()).isEqualTo(200);
    assertThat(image.contentType()).isEqualTo("image/png");
    AppFixture.Answer again =
        app.postJson("/api/generate", Map.of("prompt", "quiet lake", "width", 200, "height", 120));
    assertThat(again.body().get("result").get("seed"))
        .as("same prompt, same picture")
        .isEqualTo(result.get("seed"));
    AppFixture.Answer meta =
        app.postJson("/api/analyze/metadata", Map.of("image_id", result.get("image_id").asText()));
    assertThat(meta.body().get("result").get("data").get("width").asInt()).isEqualTo(200);
  }

  @Test
  void badInputGetsJsonErrors() throws Exception {
    assertError(
        app.postJson("/api/analyze/nope", Map.of("image_id", imageId)),
        404,
        "no analyzer named 'nope'");
    assertError(
        app.postJson("/api/analyze/colors", Map.of("image_id", "missing")),
        404,
        "no image with id 'missing'");
    assertError(app.postJson("/api/analyze/colors", Map.of()), 400, "missing field 'image_id'");
    assertError(app.postJson("/api/analyze/colors", "{not json"), 400, "malformed JSON");
    assertError(
        app.postJson("/api/analyze/colors?async=maybe", Map.of("image_id", imageId)), 400, "async");
    assertError(
        app.postJson(
            "/api/analyze/comprehensive", Map.of("image_id", imageId, "analyses", Map.of())),
        400,
        "at least one");
    assertError(
        app.postJson(
            "/api/analyze/comprehensive",
            Map.of("image_id", imageId, "analyses", Map.of("x", true))),
        400,
        "unknown analysis 'x'");
    assertError(
        app.postJson("/api/generate", Map.of("prompt", "big", "width", 8192, "height", 100)),
        400,
        "between 16 and 4096");
    assertError(app.postJson("/api/generate", Map.of("width", 100)), 400, "missing field 'prompt'");
    assertError(app.get("/api/images/unknown"), 404, "no image");
    assertError(app.get("/api/presets/unknown"), 404, "no preset");
    assertError(app.get("/api/nothing-here"), 404, "no such resource");
    assertError(
        app.send("DELETE", "/api/analyzers", HttpRequest.BodyPublishers.noBody(), null),
        405,
        "use GET");
  }

  @Test
  void pageAndWidgetAreServed() throws Exception {
    AppFixture.Answer page = app.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    AppFixture.Answer widget = app.get("/api/jobs/ui/task-manager.js");
    assertThat(widget.status()).isEqualTo(200);
    assertThat(widget.contentType()).contains("javascript");
  }

  private static void assertError(AppFixture.Answer a, int status, String text) {
    assertThat(a.status()).as("%s", a.body()).isEqualTo(status);
    assertThat(a.body().get("status").asInt()).isEqualTo(status);
    assertThat(a.body().get("error").asText()).contains(text);
  }
}
