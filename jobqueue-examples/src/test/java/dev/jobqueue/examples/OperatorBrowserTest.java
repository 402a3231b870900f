package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.examples.analysis.AnalyzeJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The operator features in real headless Chromium: a running job's log lines appear live in its
 * details, and queued jobs of a paused type say "paused" until the type is resumed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorBrowserTest {
  private static final Duration LONG = Duration.ofSeconds(40);

  private AppFixture app;
  private ChromeDriver driver;
  private WidgetPage page;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    BrowserSupport.requireChromium();
    app = AppFixture.start(dir.resolve("data"), "memory");
    driver = BrowserSupport.start(dir.resolve("profile"));
    page = new WidgetPage(driver, app.base);
  }

  @AfterAll
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (app != null) {
      app.close();
    }
  }

  @BeforeEach
  void freshPage() {
    page.open();
    app.actAs(page.user());
  }

  @AfterEach
  void resumeAll() {
    app.server.queue().resume(AnalyzeJob.TYPE);
  }

  @SuppressWarnings("unchecked")
  private List<String> logLines(String jobId) {
    return (List<String>)
        page.js(
            """
        const row = arguments[0].shadowRoot.querySelector(`li[data-testid='task'][data-job-id='${arguments[1]}']`);
        if (!row) return [];
        return Array.from(row.querySelectorAll("[data-testid='task-log-line']")).map(e => e.textContent);""",
            page.host(),
            jobId);
  }

  @Test
  void aRunningJobsLogLinesAppearLiveInItsDetails() throws Exception {
    String imageId = app.upload(TestImages.png(160, 120), "logged.png");
    String id =
        app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId, "pace_ms", 1500));
    page.openPanel();
    page.waitUntil(LONG, d -> "running".equals(page.status(id)));
    page.click(id, "task-details-toggle");
    page.waitUntil(LONG, d -> !logLines(id).isEmpty());
    int first = logLines(id).size();
    // more lines arrive while the details stay open: from the stream, not a reload
    page.waitUntil(LONG, d -> logLines(id).size() > first);
    page.waitUntil(LONG, d -> "completed".equals(page.status(id)));
    int steps = app.job(id).get("total_steps").asInt();
    page.waitUntil(LONG, d -> logLines(id).size() == steps);
    assertThat(logLines(id)).allSatisfy(l -> assertThat(l).matches("step \\d+/\\d+: .*"));
    assertThat(logLines(id)).doesNotHaveDuplicates();
  }

  @Test
  void queuedJobsOfAPausedTypeSayPausedAndRunOnceResumed() throws Exception {
    app.server.queue().pause(AnalyzeJob.TYPE);
    String imageId = app.upload(TestImages.png(120, 90), "waits.png");
    String id =
        app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId, "pace_ms", 10));
    page.openPanel();
    page.waitUntil(LONG, d -> "paused".equals(page.part(id, "task-paused")));
    assertThat(page.status(id)).isEqualTo("queued");
    assertThat(page.task(id).getAttribute("data-paused")).isNotNull();

    app.server.queue().resume(AnalyzeJob.TYPE);
    page.waitUntil(LONG, d -> page.part(id, "task-paused") == null);
    page.waitUntil(LONG, d -> "completed".equals(page.status(id)));
  }
}
