package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobqueue.examples.generate.GenerateJob;
import dev.jobqueue.examples.generate.GeneratedCleanup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Generate later" ({@code delay_seconds}), a double-submitted generation answering the same job
 * (unique key of user, prompt and size), and the recurring cleanup of generated images.
 */
class GenerateSchedulingApiTest {
  @TempDir Path dir;

  @Test
  void generateLaterQueuesTheJobWithAStartTime() throws Exception {
    try (AppFixture app = AppFixture.start(dir, "memory")) {
      Instant before = Instant.now();
      AppFixture.Answer a =
          app.postJson(
              "/api/generate?async=true",
              Map.of("prompt", "later", "width", 64, "height", 64, "delay_seconds", 300));
      assertThat(a.status()).as("%s", a.body()).isEqualTo(202);
      JsonNode job = app.job(a.body().get("job_id").asText());
      assertThat(job.get("status").asText()).isEqualTo("queued");
      Instant runAt = Instant.parse(job.get("run_at").asText());
      assertThat(runAt).isBetween(before.plusSeconds(299), Instant.now().plusSeconds(301));

      AppFixture.Answer now =
          app.postJson(
              "/api/generate?async=true", Map.of("prompt", "now", "width", 64, "height", 64));
      assertThat(app.job(now.body().get("job_id").asText()).get("run_at").isNull()).isTrue();

      for (int bad : new int[] {-1, 86_401}) {
        AppFixture.Answer b =
            app.postJson(
                "/api/generate?async=true",
                Map.of("prompt", "x", "width", 64, "height", 64, "delay_seconds", bad));
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.body().get("error").asText()).contains("delay_seconds");
      }
    }
  }

  @Test
  void generatingTheSamePromptAndSizeAgainAnswersTheSameJob() throws Exception {
    try (AppFixture app = AppFixture.start(dir, "memory");
        AppFixture other = app.otherBrowser()) {
      // queued for five minutes: certainly still active when it is submitted again
      Map<String, Object> body =
          Map.of("prompt", "twice", "width", 64, "height", 64, "delay_seconds", 300);
      String first = app.startAsync("/api/generate", body);
      String second = app.startAsync("/api/generate", body);
      assertThat(second).isEqualTo(first);
      assertThat(app.get("/api/jobs?type=generate_image&limit=100").body().size()).isEqualTo(1);

      String bigger =
          app.startAsync(
              "/api/generate",
              Map.of("prompt", "twice", "width", 128, "height", 64, "delay_seconds", 300));
      assertThat(bigger).isNotEqualTo(first);
      String othersOwn = other.startAsync("/api/generate", body);
      assertThat(othersOwn).isNotEqualTo(first);

      // once it has ended the key is free: the same generation is a new job
      assertThat(app.postJson("/api/jobs/" + first + "/cancel", Map.of()).status()).isEqualTo(200);
      String third = app.startAsync("/api/generate", body);
      assertThat(third).isNotEqualTo(first);
    }
  }

  @Test
  void aRecurringCleanupDeletesTheUsersOldGeneratedImagesAsTheirOwnJobs() throws Exception {
    ExampleServer server =
        ExampleServer.start(
            new AppOptions(0, "memory", 4, dir),
            new ExampleServer.Tuning(
                GenerateJob.BandHook.NONE, Duration.ofSeconds(1), Duration.ZERO));
    try (AppFixture app = AppFixture.of(server)) {
      AppFixture.Answer done =
          app.postJson("/api/generate", Map.of("prompt", "old news", "width", 32, "height", 32));
      assertThat(done.status()).as("%s", done.body()).isEqualTo(200);
      String imageId = done.body().get("result").get("image_id").asText();

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> app.get("/api/images/" + imageId).status() == 404);
      JsonNode cleanups = app.get("/api/jobs?type=" + GeneratedCleanup.TYPE).body();
      assertThat(cleanups.size()).as("the cleanup runs are the user's jobs").isPositive();
      // nothing of the user's is left to clean: the schedule removes itself
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> app.get("/api/jobs/schedules").body().isEmpty());
      assertThat(server.queue().schedules()).isEmpty();
    }
  }
}
