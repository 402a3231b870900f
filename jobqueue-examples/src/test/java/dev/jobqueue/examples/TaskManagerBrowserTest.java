package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The seed design's user flows in real headless Chromium against the example app (in-memory store):
 * single analysis, comprehensive analysis, failed task and retry, concurrent operations, cancel
 * from the widget, job text rendered as text, and the badge count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskManagerBrowserTest {
  private static final Duration SHORT = Duration.ofSeconds(10);
  private static final Duration LONG = Duration.ofSeconds(40);

  private AppFixture app;
  private ChromeDriver driver;
  private WidgetPage page;
  private Path tmp;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    BrowserSupport.requireChromium();
    tmp = dir;
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
    page.recordToasts();
    app.actAs(page.user()); // jobs the test starts over HTTP belong to this browser
  }

  @Test
  void pageAndWidgetRunUnderTheContentSecurityPolicyWithoutAViolation() throws Exception {
    // Recorded from before the page's first script: CDP-injected code is not subject to CSP.
    Object script =
        driver
            .executeCdpCommand(
                "Page.addScriptToEvaluateOnNewDocument",
                Map.of(
                    "source",
                    "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                        + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI"
                        + " + ' ' + (e.sample || '')));"))
            .get("identifier");
    try {
      page.open();
      page.openPanel();
      String imageId = app.upload(TestImages.png(160, 120), "csp.png");
      String id =
          app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId, "pace_ms", 100));
      page.waitUntil(LONG, d -> "completed".equals(page.status(id)));
      page.byTestId("tab-history").click();
      // the widget's shadow styles apply (a blocked <style> would leave the button unstyled)
      assertThat(page.js("return getComputedStyle(arguments[0]).borderTopLeftRadius;", page.fab()))
          .isEqualTo("50%");
      assertThat(page.js("return window.__csp;")).asList().isEmpty();

      // and the recorder does see a violation: an inline style attribute is refused
      page.js("document.body.setAttribute('style', 'outline: 1px solid red');");
      page.waitUntil(SHORT, d -> !((List<?>) page.js("return window.__csp;")).isEmpty());
      assertThat(page.js("return window.__csp;").toString()).contains("style-src");
    } finally {
      driver.executeCdpCommand(
          "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
    }
  }

  @Test
  void singleAnalysis_taskAppears_progressMoves_completes_andAutoDismisses() throws Exception {
    page.recordProgress();
    Path file = tmp.resolve("beach-single.png");
    Files.write(file, TestImages.png(480, 320));
    driver.findElement(By.cssSelector("[data-testid='upload-input']")).sendKeys(file.toString());

    WebElement dialog = driver.findElement(By.cssSelector("[data-testid='analyze-dialog']"));
    page.waitUntil(SHORT, d -> dialog.isDisplayed());
    new Select(driver.findElement(By.cssSelector("[data-testid='pace']"))).selectByValue("150");
    assertThat(driver.findElement(By.cssSelector("[data-testid='analysis-colors']")).isSelected())
        .isTrue();
    driver.findElement(By.cssSelector("[data-testid='run-analyses']")).click();
    // the modal closes without waiting for the work, which goes on in the background
    page.waitUntil(SHORT, d -> !dialog.isDisplayed());

    String id = page.waitUntil(SHORT, d -> rowIdWithTitle("beach-single.png"));
    page.openPanel();
    assertThat(page.part(id, "task-title"))
        .isEqualTo("Analyzing dominant colours of beach-single.png");
    page.waitUntil(LONG, d -> "completed".equals(page.status(id)));

    List<Integer> seen = progressOf(id);
    assertThat(seen)
        .as("progress values the row showed")
        .anySatisfy(p -> assertThat(p).isBetween(1, 99));
    assertThat(seen).isSorted();
    assertThat(page.part(id, "task-percent")).isEqualTo("100%");
    assertThat(toastTexts())
        .anySatisfy(
            t ->
                assertThat(t)
                    .contains("Completed: Analyzing dominant colours of beach-single.png"));

    JsonNode job = app.job(id);
    String thumbnailId = job.get("child_job_ids").get(0).asText();
    assertThat(app.job(thumbnailId).get("type").asText()).isEqualTo("generate_thumbnail");
    assertThat(page.parentRow(thumbnailId))
        .as("the thumbnail task is nested under its analysis")
        .isEqualTo(id);

    // auto-dismissed 5 s after the page learnt of the end, which is after the server stored it:
    // so never sooner than 5 s after completed_at (a test-side stopwatch would depend on when
    // this test happened to look)
    Instant completedAt = Instant.parse(app.job(id).get("completed_at").asText());
    page.waitUntil(LONG, d -> page.task(id) == null);
    assertThat(Duration.between(completedAt, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(5000));

    // the preset and its preview appear on the page
    page.waitUntil(
        SHORT, d -> !d.findElements(By.cssSelector("[data-testid='preset-thumbnail']")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("[data-testid='preset-card']"))).isNotEmpty();
  }

  @Test
  void comprehensiveAnalysis_parentCountsSixAnalyses_waitsForTheirPreviews_reportsSixPresets()
      throws Exception {
    String imageId = app.upload(TestImages.png(640, 420), "harbour.png");
    page.open();
    page.recordToasts();
    // the rows stay after the end, so every check below sees them however late it runs (the
    // auto-dismissal has its own test); the counts the parent shows are recorded as they change
    page.keepCompletedRows();
    page.recordChildCounts();
    WebElement card =
        page.waitUntil(
            SHORT, d -> d.findElement(By.cssSelector("[data-image-id='" + imageId + "']")));
    card.findElement(By.cssSelector("[data-testid='analyze-button']")).click();
    driver.findElement(By.cssSelector("[data-testid='select-all']")).click();
    new Select(driver.findElement(By.cssSelector("[data-testid='pace']"))).selectByValue("150");
    driver.findElement(By.cssSelector("[data-testid='run-analyses']")).click();

    String parent =
        page.waitUntil(SHORT, d -> rowIdWithTitle("Comprehensive analysis of harbour.png"));
    page.openPanel();
    page.waitUntil(LONG, d -> "completed".equals(page.status(parent)));
    Files.write(
        Path.of("target", "task-manager-comprehensive.png"),
        driver.getScreenshotAs(OutputType.BYTES));
    // the title counted the six analyses as they ended (the seed's "(3/6)"), the optional
    // previews left out of the count
    assertThat(page.childCounts(parent))
        .as("counts the parent row showed")
        .anySatisfy(c -> assertThat(c).matches("\\([1-5]/6\\)"))
        .endsWith("(6/6)");
    assertThat(page.part(parent, "task-title") + " " + page.part(parent, "child-count"))
        .isEqualTo("Comprehensive analysis of harbour.png (6/6)");
    assertThat(page.part(parent, "task-percent")).isEqualTo("100%");

    JsonNode job = app.job(parent);
    List<String> analyses = new ArrayList<>();
    List<String> previews = new ArrayList<>();
    for (JsonNode c : job.get("child_job_ids")) {
      JsonNode child = app.job(c.asText());
      assertThat(child.get("status").asText()).isEqualTo("completed");
      (child.get("type").asText().equals("analyze") ? analyses : previews).add(c.asText());
      assertThat(page.parentRow(c.asText())).as("nested under the parent").isEqualTo(parent);
    }
    assertThat(analyses).hasSize(6);
    assertThat(previews).hasSize(6);
    for (String p : previews) {
      assertThat(app.job(p).get("optional").asBoolean()).isTrue();
      assertThat(app.job(p).get("type").asText()).isEqualTo("generate_thumbnail");
    }
    assertThat(job.get("result").get("summary").asText()).isEqualTo("6 presets created");
    assertThat(app.get("/api/presets?image_id=" + imageId).body()).hasSize(6);
    assertThat(toastTexts())
        .anySatisfy(
            t ->
                assertThat(t)
                    .contains("Completed: Comprehensive analysis of harbour.png")
                    .contains("6 presets created"));
  }

  @Test
  void failedTask_turnsRed_staysVisible_showsFullError_andRetryWorks() throws Exception {
    String imageId = app.upload(TestImages.png(200, 150), "broken-model.png");
    String id =
        app.startAsync(
            "/api/analyze/sharpness",
            Map.of("image_id", imageId, "pace_ms", 50, "fail_first_attempts", 1));
    page.openPanel();
    page.waitUntil(SHORT, d -> "failed".equals(page.status(id)));
    assertThat(page.fab().getAttribute("data-state")).isEqualTo("failed");
    WebElement row = page.task(id);
    // --jq-danger, dark enough for AA contrast on white
    assertThat(row.getCssValue("border-left-color")).isEqualTo("rgba(185, 28, 28, 1)");
    assertThat(toastTexts())
        .anySatisfy(t -> assertThat(t).contains("Failed: Analyzing sharpness of broken-model.png"));

    // failed tasks are not auto-dismissed
    await()
        .during(Duration.ofSeconds(6))
        .atMost(LONG)
        .until(() -> "failed".equals(page.status(id)));

    String error = app.job(id).get("error").asText();
    assertThat(error).contains("Simulated failure").contains("\n");
    page.click(id, "task-details-toggle");
    assertThat(page.part(id, "task-error")).isEqualTo(error);

    page.click(id, "task-retry");
    page.waitUntil(LONG, d -> "completed".equals(page.status(id)));
    assertThat(app.job(id).get("attempt").asInt()).isEqualTo(2);
    assertThat(app.job(id).get("error").isNull()).isTrue();
  }

  @Test
  void concurrentOperations_allShow_andUpdateIndependently() throws Exception {
    page.recordProgress();
    page.keepCompletedRows(); // whichever ends first is still there when the last one ends
    page.openPanel();
    String imageId = app.upload(TestImages.png(400, 300), "street.png");
    String comprehensive =
        app.startAsync(
            "/api/analyze/comprehensive",
            Map.of(
                "image_id",
                imageId,
                "pace_ms",
                150,
                "analyses",
                Map.of("colors", true, "edges", true, "brightness", true)));
    String single =
        app.startAsync("/api/analyze/composition", Map.of("image_id", imageId, "pace_ms", 200));
    String generation =
        app.startAsync(
            "/api/generate",
            Map.of("prompt", "three at once", "width", 512, "height", 512, "pace_ms", 30));
    List<String> ids = List.of(comprehensive, single, generation);

    // each one shows up and completes; that they ran at the same time, with progress shown, is
    // proven from the recorded log below (a sample of "all shown, none completed" at one instant
    // failed on a loaded machine when a short job ended before the last row appeared)
    page.waitUntil(
        LONG,
        d ->
            ids.stream()
                .allMatch(
                    id ->
                        page.progressLog().stream()
                            .anyMatch(
                                e -> id.equals(e.get("id")) && "completed".equals(e.get("s")))));

    List<Map<String, Object>> log = page.progressLog();
    for (String id : ids) {
      Set<Integer> intermediate = new HashSet<>();
      log.stream()
          .filter(e -> id.equals(e.get("id")))
          .map(e -> ((Number) e.get("p")).intValue())
          .filter(p -> p > 0 && p < 100)
          .forEach(intermediate::add);
      assertThat(intermediate)
          .as("intermediate progress values shown for %s", id)
          .hasSizeGreaterThanOrEqualTo(2);
    }
    // they ran at the same time: each one's updates overlap the others' in time
    for (String a : ids) {
      for (String b : ids) {
        if (!a.equals(b)) {
          assertThat(firstUpdate(log, a))
              .as("%s started updating before %s finished", a, b)
              .isLessThan(lastUpdate(log, b));
        }
      }
    }
  }

  @Test
  void cancelOfARunningGeneration_fromTheWidget_stopsItMidRender() throws Exception {
    int imagesBefore = app.get("/api/images").body().size();
    driver.findElement(By.cssSelector("[data-testid='open-generate']")).click();
    WebElement dialog = driver.findElement(By.cssSelector("[data-testid='generate-dialog']"));
    page.waitUntil(SHORT, d -> dialog.isDisplayed());
    driver.findElement(By.cssSelector("[data-testid='prompt']")).sendKeys("a very large storm");
    new Select(driver.findElement(By.cssSelector("[data-testid='width']"))).selectByValue("4096");
    new Select(driver.findElement(By.cssSelector("[data-testid='height']"))).selectByValue("4096");
    driver.findElement(By.cssSelector("[data-testid='run-generate']")).click();
    page.waitUntil(SHORT, d -> !dialog.isDisplayed());

    String id = page.waitUntil(SHORT, d -> rowIdWithTitle("a very large storm"));
    page.openPanel();
    page.waitUntil(SHORT, d -> "running".equals(page.status(id)) && page.percent(id) > 0);
    page.click(id, "task-cancel");
    page.waitUntil(SHORT, d -> "cancelled".equals(page.status(id)));

    JsonNode job = app.job(id);
    assertThat(job.get("status").asText()).isEqualTo("cancelled");
    assertThat(job.get("progress").asDouble()).isLessThan(1.0);
    assertThat(page.percent(id)).isLessThan(100);
    assertThat(page.part(id, "task-message")).startsWith("Rendered row ");
    assertThat(app.get("/api/images").body())
        .as("a cancelled render stores no image")
        .hasSize(imagesBefore);
    // a cancelled task offers retry and dismiss, no cancel
    assertThat(
            page.task(id).findElement(By.cssSelector("[data-testid='task-retry']")).isDisplayed())
        .isTrue();
    page.click(id, "task-dismiss");
    page.waitUntil(SHORT, d -> page.task(id) == null);
  }

  @Test
  void jobTextIsRenderedAsText_neverAsHtml() throws Exception {
    String name = "<img src=x onerror=alert(1)>.png";
    String imageId = app.upload(TestImages.png(120, 90), name);
    String id =
        app.startAsync("/api/analyze/metadata", Map.of("image_id", imageId, "pace_ms", 150));
    page.openPanel();
    page.waitUntil(SHORT, d -> page.task(id) != null);
    assertThat(page.part(id, "task-title")).isEqualTo("Analyzing metadata of " + name);
    assertThat(
            page.js("return arguments[0].shadowRoot.querySelectorAll('img').length;", page.host()))
        .isEqualTo(0L);
    page.waitUntil(LONG, d -> "completed".equals(page.status(id)));
    assertThat(toastTexts())
        .anySatisfy(t -> assertThat(t).contains("Completed: Analyzing metadata of " + name));
    assertThat(
            page.js("return arguments[0].shadowRoot.querySelectorAll('img').length;", page.host()))
        .isEqualTo(0L);
    assertThat(page.js("return document.querySelectorAll('img[src=\"x\"]').length;")).isEqualTo(0L);
    assertThat(page.part(id, "task-title")).isEqualTo("Analyzing metadata of " + name);
    boolean alertShown;
    try {
      driver.switchTo().alert();
      alertShown = true;
    } catch (NoAlertPresentException e) {
      alertShown = false;
    }
    assertThat(alertShown).as("an alert() ran").isFalse();
  }

  @Test
  void badgeCountsTheActiveTasks() throws Exception {
    assertThat(app.activeTopLevel()).isZero();
    page.waitUntil(SHORT, d -> page.badge().equals("0"));
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      ids.add(
          app.startAsync(
              "/api/generate",
              // about 26 s each (128 paced rows of 200 ms): far longer than the checks below
              // take, so all three are still active while the badge is read
              Map.of("prompt", "badge " + i, "width", 256, "height", 256, "pace_ms", 200)));
    }
    page.waitUntil(SHORT, d -> page.badge().equals("3"));
    assertThat(app.activeTopLevel()).isEqualTo(3);
    assertThat(page.fab().getAttribute("aria-label")).isEqualTo("Task manager: 3 active tasks");
    assertThat(page.fab().getAttribute("data-state")).isEqualTo("running");

    app.send(
        "POST",
        "/api/jobs/" + ids.get(0) + "/cancel",
        java.net.http.HttpRequest.BodyPublishers.noBody(),
        null);
    page.waitUntil(SHORT, d -> page.badge().equals("2"));
    await()
        .atMost(SHORT)
        .untilAsserted(
            () -> assertThat(page.badge()).isEqualTo(String.valueOf(app.activeTopLevel())));

    for (String id : ids.subList(1, 3)) {
      app.send(
          "POST",
          "/api/jobs/" + id + "/cancel",
          java.net.http.HttpRequest.BodyPublishers.noBody(),
          null);
    }
    page.waitUntil(SHORT, d -> page.badge().equals("0"));
    assertThat(app.activeTopLevel()).isZero();
    assertThat(page.byTestId("badge").isDisplayed()).isFalse();
    assertThat(page.fab().getAttribute("data-state")).isNotEqualTo("running");
  }

  @Test
  void historyView_search_andClearAllCompleted() throws Exception {
    String imageId = app.upload(TestImages.png(100, 80), "history-check.png");
    assertThat(app.postJson("/api/analyze/brightness", Map.of("image_id", imageId)).status())
        .isEqualTo(200);
    page.openPanel();
    page.byTestId("tab-history").click();
    page.waitUntil(
        SHORT, d -> historyTitles().stream().anyMatch(t -> t.contains("history-check.png")));

    page.byTestId("search").sendKeys("history-check");
    page.waitUntil(
        SHORT,
        d -> {
          List<String> titles = historyTitles();
          return !titles.isEmpty() && titles.stream().allMatch(t -> t.contains("history-check"));
        });

    page.byTestId("clear-completed").click();
    await()
        .atMost(SHORT)
        .untilAsserted(() -> assertThat(app.get("/api/jobs?status=completed").body()).isEmpty());
    page.waitUntil(SHORT, d -> historyTitles().isEmpty());
    assertThat(toastTexts()).anySatisfy(t -> assertThat(t).startsWith("Cleared "));
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The job id of the live row whose title contains {@code text}, or null. */
  private String rowIdWithTitle(String text) {
    return (String)
        page.js(
            """
        const rows = arguments[0].shadowRoot.querySelectorAll("li[data-testid='task']");
        for (const r of rows) {
          const t = r.querySelector("[data-testid='task-title']");
          if (t && t.textContent.includes(arguments[1])) return r.dataset.jobId;
        }
        return null;""",
            page.host(),
            text);
  }

  private List<String> toastTexts() {
    return page.toastLog(); // every toast since the page was opened, also those gone since
  }

  @SuppressWarnings("unchecked")
  private List<String> historyTitles() {
    return (List<String>)
        page.js(
            "return Array.from(arguments[0].shadowRoot.querySelectorAll(\"[data-testid='history-list'] > [data-testid='history-task'] > .head [data-testid='task-title']\")).map(t => t.textContent);",
            page.host());
  }

  private List<Integer> progressOf(String id) {
    return page.progressLog().stream()
        .filter(e -> id.equals(e.get("id")))
        .map(e -> ((Number) e.get("p")).intValue())
        .toList();
  }

  private static double firstUpdate(List<Map<String, Object>> log, String id) {
    return log.stream()
        .filter(e -> id.equals(e.get("id")))
        .mapToDouble(e -> ((Number) e.get("t")).doubleValue())
        .min()
        .orElseThrow();
  }

  private static double lastUpdate(List<Map<String, Object>> log, String id) {
    return log.stream()
        .filter(e -> id.equals(e.get("id")))
        .mapToDouble(e -> ((Number) e.get("t")).doubleValue())
        .max()
        .orElseThrow();
  }
}
