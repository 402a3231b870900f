package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.examples.generate.FractalRenderer;
import dev.jobqueue.examples.generate.GenerateJob;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fractal render checkpoints its finished row bands: the example's process is killed right
 * after band 3 of 8 was checkpointed, and the app started again on the same SQLite file re-queues
 * the render (RecoveryPolicy.REQUEUE), which goes on from row 96 of 256, not from row 0, and
 * produces the very image an uninterrupted render does.
 */
class CheckpointResumeTest {
  static final int HALT_STATUS = 77;
  static final int SIZE = 256;
  static final int HALT_AFTER_BAND = 3;

  @TempDir Path dir;

  @Test
  void aRenderKilledMidWayFinishesFromItsCheckpointAfterARestart() throws Exception {
    Path data = dir.resolve("data");
    Path db = dir.resolve("jobs.db");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.awt.headless=true",
                CrashingExample.class.getName(),
                data.toString(),
                db.toString(),
                String.valueOf(HALT_AFTER_BAND))
            .redirectErrorStream(true)
            .start();
    String jobId;
    try {
      int port = awaitPort(child);
      HttpClient http =
          HttpClient.newBuilder()
              .cookieHandler(new CookieManager())
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + port + "/api/generate?async=true"))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"prompt\": \"a lighthouse in a storm\", \"width\": "
                              + SIZE
                              + ", \"height\": "
                              + SIZE
                              + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      jobId = new ObjectMapper().readTree(r.body()).get("job_id").asText();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the app halted after band 3").isTrue();
      assertThat(child.exitValue()).isEqualTo(HALT_STATUS);
    } finally {
      child.destroyForcibly();
    }

    try (ExampleServer app = ExampleServer.start(new AppOptions(0, "sqlite:" + db, 2, data))) {
      Job done = app.queue().await(jobId, Duration.ofSeconds(60));
      assertThat(done.status()).as("%s", done.error()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.attempt()).isEqualTo(2);
      int bandRows = SIZE / GenerateJob.BANDS;
      assertThat(((Number) done.result().get("resumed_from_row")).intValue())
          .isEqualTo(HALT_AFTER_BAND * bandRows);
      assertThat(((Number) done.result().get("rows_rendered")).intValue())
          .isEqualTo(SIZE - HALT_AFTER_BAND * bandRows);
      assertThat(
              app.queue().logs(jobId).stream()
                  .flatMap(a -> a.lines().stream())
                  .map(dev.jobqueue.JobLogLine::text)
                  .toList())
          .contains("Resuming at row 96 of 256 from the checkpoint");

      String imageId = done.result().get("image_id").toString();
      BufferedImage stitched =
          ImageIO.read(data.resolve("images").resolve(imageId + ".png").toFile());
      BufferedImage whole =
          new FractalRenderer().render("a lighthouse in a storm", SIZE, SIZE, rows -> {});
      assertThat(pixels(stitched))
          .as("the resumed render is the uninterrupted one")
          .isEqualTo(pixels(whole));
      assertThat(data.resolve("partial-renders").resolve(jobId)).doesNotExist();
    }
  }

  private static int[] pixels(BufferedImage i) {
    return i.getRGB(0, 0, i.getWidth(), i.getHeight(), null, 0, i.getWidth());
  }

  /** Reads the child's output until it says where it listens (its log lines pass through). */
  private static int awaitPort(Process child) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        int port = Integer.parseInt(line.substring(5).trim());
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "child-output");
        drain.setDaemon(true);
        drain.start();
        return port;
      }
    }
    throw new AssertionError("the example process ended before it listened");
  }
}
