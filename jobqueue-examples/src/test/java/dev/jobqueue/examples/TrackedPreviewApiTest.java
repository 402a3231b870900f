package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/presets/{id}/thumbnail}: the preview rendered by the app itself and reported
 * through the tracker (create → start → progress → complete / fail), as the seed's thumbnail
 * example.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackedPreviewApiTest {
  private AppFixture app;
  private String presetId;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    app = AppFixture.start(dir, "memory");
    String imageId = app.upload(TestImages.png(200, 140), "dune.png");
    AppFixture.Answer a = app.postJson("/api/analyze/colors", Map.of("image_id", imageId));
    assertThat(a.status()).as("%s", a.body()).isEqualTo(200);
    presetId = a.body().get("result").get("preset_id").asText();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void syncRerender_completesATrackedJob_withThePreview() throws Exception {
    AppFixture.Answer a = app.send("POST", "/api/presets/" + presetId + "/thumbnail", none(), null);
    assertThat(a.status()).as("%s", a.body()).isEqualTo(200);
    assertThat(a.body().get("result").get("preview_url").asText())
        .isEqualTo("/api/presets/" + presetId + "/thumbnail");
    assertThat(a.body().get("result").get("preview_path").asText()).isEqualTo(presetId + ".png");
    JsonNode job = app.job(a.body().get("job_id").asText());
    assertThat(job.get("type").asText()).isEqualTo("generate_thumbnail");
    assertThat(job.get("title").asText())
        .isEqualTo("Generating preview for " + presetId.substring(0, 8) + "...");
    assertThat(job.get("status").asText()).isEqualTo("completed");
    assertThat(job.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(job.get("current_step").asInt()).isEqualTo(3);
    assertThat(job.get("started_at").isNull()).isFalse();
    AppFixture.Answer png = app.get("/api/presets/" + presetId + "/thumbnail");
    assertThat(png.status()).isEqualTo(200);
    assertThat(png.contentType()).isEqualTo("image/png");
  }

  @Test
  void asyncRerender_answers202_andTheJobFollowsTheTrackerLifecycle() throws Exception {
    String id = app.startAsync("/api/presets/" + presetId + "/thumbnail", Map.of("pace_ms", 50));
    await().atMost(Duration.ofSeconds(30)).until(() -> app.status(id).equals("completed"));
    AppFixture.Answer mode =
        app.postJson("/api/presets/" + presetId + "/thumbnail?async_mode=true", Map.of());
    assertThat(mode.status()).isEqualTo(202);
    assertThat(mode.body().get("status").asText()).isEqualTo("queued");
  }

  @Test
  void aFailureIsReportedThroughTheTracker() throws Exception {
    AppFixture.Answer a =
        app.postJson("/api/presets/" + presetId + "/thumbnail", Map.of("fail", true));
    assertThat(a.status()).isEqualTo(500);
    assertThat(a.body().get("error").asText()).contains("Simulated preview failure");
    JsonNode job = app.job(a.body().get("job_id").asText());
    assertThat(job.get("status").asText()).isEqualTo("failed");
    assertThat(job.get("progress_message").asText()).isEqualTo("Loaded the source image");
  }

  @Test
  void badRequests() throws Exception {
    AppFixture.Answer unknown = app.postJson("/api/presets/nope/thumbnail", Map.of());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.body().get("error").asText()).isEqualTo("no preset with id 'nope'");
    AppFixture.Answer pace =
        app.postJson("/api/presets/" + presetId + "/thumbnail", Map.of("pace_ms", 9000));
    assertThat(pace.status()).isEqualTo(400);
    assertThat(pace.body().get("error").asText())
        .isEqualTo("field 'pace_ms' must be between 0 and 2000, got 9000");
    AppFixture.Answer fail =
        app.postJson("/api/presets/" + presetId + "/thumbnail", Map.of("fail", "yes"));
    assertThat(fail.status()).isEqualTo(400);
    assertThat(fail.body().get("error").asText()).isEqualTo("field 'fail' must be true or false");
    AppFixture.Answer get = app.send("PUT", "/api/presets/" + presetId, none(), null);
    assertThat(get.status()).isEqualTo(405);
  }

  private static HttpRequest.BodyPublisher none() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
