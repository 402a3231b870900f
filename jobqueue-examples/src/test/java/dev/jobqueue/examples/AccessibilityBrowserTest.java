package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * axe-core (npm, a test dependency installed with {@code npm ci} in {@code src/test/a11y}) run in
 * Chromium on the example page: no violation with the panel open, with a failed task's details
 * expanded, in the history view and in the statistics view. Skipped with a message when axe-core is
 * not installed, failed instead under {@code -Djobqueue.requireServices=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessibilityBrowserTest {
  static final Path AXE = Path.of("src/test/a11y/node_modules/axe-core/axe.min.js");
  private static final Duration LONG = Duration.ofSeconds(60);

  private AppFixture app;
  private ChromeDriver driver;
  private WidgetPage page;
  private String axe;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    axe = axeSource();
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

  @Test
  void noViolations_panelOpen_failedDetailsExpanded_history_andStatistics() throws Exception {
    page.open();
    app.actAs(page.user());
    String imageId = app.upload(TestImages.png(160, 120), "a11y.png");
    String ok = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    String bad =
        app.startAsync(
            "/api/analyze/sharpness", Map.of("image_id", imageId, "fail_first_attempts", 1));
    page.keepCompletedRows();
    page.openPanel();
    page.waitUntil(LONG, d -> "completed".equals(page.status(ok)));
    page.waitUntil(LONG, d -> "failed".equals(page.status(bad)));
    assertThat(violations()).as("panel open").isEmpty();

    page.click(bad, "task-details-toggle");
    page.waitUntil(LONG, d -> page.part(bad, "task-error") != null);
    assertThat(violations()).as("a failed task's details expanded").isEmpty();

    page.byTestId("tab-history").click();
    page.waitUntil(LONG, d -> !page.byTestId("history-list").getText().isEmpty());
    assertThat(violations()).as("history view").isEmpty();

    page.byTestId("tab-stats").click();
    page.waitUntil(LONG, d -> !page.byTestId("stats").getText().isEmpty());
    assertThat(violations()).as("statistics view").isEmpty();
  }

  /** axe's violations on the whole page (the widget's shadow root included), one line each. */
  private List<String> violations() {
    if (!Boolean.TRUE.equals(page.js("return typeof window.axe === 'object';"))) {
      page.js(axe);
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> found =
        (List<Map<String, Object>>)
            driver.executeAsyncScript(
                """
                const done = arguments[arguments.length - 1];
                axe.run(document, {resultTypes: ['violations']})
                  .then(r => done(r.violations.map(v => ({id: v.id, help: v.help,
                      nodes: v.nodes.map(n => JSON.stringify(n.target) + ' ' + n.failureSummary)}))))
                  .catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));""");
    return found.stream()
        .map(v -> v.get("id") + " (" + v.get("help") + "): " + v.get("nodes"))
        .collect(Collectors.toList());
  }

  private static String axeSource() throws IOException {
    if (Files.isRegularFile(AXE)) {
      return Files.readString(AXE, StandardCharsets.UTF_8);
    }
    String message =
        "The accessibility test needs axe-core from npm: run 'npm ci' in"
            + " jobqueue-examples/src/test/a11y (missing: "
            + AXE.toAbsolutePath()
            + ").";
    if (Boolean.getBoolean("jobqueue.requireServices")) {
      fail(message + " Failing because jobqueue.requireServices=true.");
    }
    Assumptions.abort(message + " Skipping.");
    return null;
  }
}
