package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The widget's views and rules beyond the seed's user flows, in headless Chromium: toasts, batches,
 * statistics, exports, the polling fallback, browser notifications, pulse and green, grouping by
 * type, and the generate dialog's priority. Each test starts as a new anonymous user, so the jobs
 * of one test never colour another's button.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WidgetFeaturesBrowserTest {
  private static final Duration SHORT = Duration.ofSeconds(15);
  private static final Duration LONG = Duration.ofSeconds(60);

  private AppFixture app;
  private ChromeDriver driver;
  private WidgetPage page;
  private Path downloads;
  private String imageId;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    BrowserSupport.requireChromium();
    app = AppFixture.start(dir.resolve("data"), "memory");
    driver = BrowserSupport.start(dir.resolve("profile"));
    page = new WidgetPage(driver, app.base);
    downloads = Files.createDirectories(dir.resolve("downloads"));
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
  void newUser() throws Exception {
    driver.get(app.base.toString());
    driver.manage().deleteAllCookies();
    page.open();
    app.actAs(page.user());
    imageId = app.upload(TestImages.png(200, 140), "pier.png");
  }

  @Test
  void toasts_successLeavesBySelf_hoverPauses_failuresStay_atMostThree_neverOverThePanel()
      throws Exception {
    page.js(
        """
        window.__toastTimes = new Map();
        const root = arguments[0].shadowRoot;
        new MutationObserver(ms => {
          for (const m of ms) {
            m.addedNodes.forEach(n => n.dataset && n.dataset.testid === 'toast'
                && window.__toastTimes.set(n.dataset.jobId, {added: performance.now()}));
            m.removedNodes.forEach(n => n.dataset && n.dataset.testid === 'toast'
                && (window.__toastTimes.get(n.dataset.jobId) || {}).removed === undefined
                && Object.assign(window.__toastTimes.get(n.dataset.jobId) || {}, {removed: performance.now()}));
          }
        }).observe(root.querySelector("[data-testid='toasts']"), {childList: true});""",
        page.host());
    // a success toast leaves by itself, and never sooner than 5 s (setTimeout never fires early)
    String ok = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    page.waitUntil(LONG, d -> toast(ok) != null);
    page.waitUntil(LONG, d -> toast(ok) == null);
    Number shownMs =
        (Number)
            page.js(
                "const t = window.__toastTimes.get(arguments[0]); return t.removed - t.added;", ok);
    assertThat(shownMs.doubleValue()).isGreaterThanOrEqualTo(5000);

    // four failures: three show, the oldest collapses into "+1 more"; none leaves by itself
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String id = failing();
      failed.add(id);
      page.waitUntil(LONG, d -> toast(id) != null);
    }
    page.waitUntil(SHORT, d -> visibleToasts().size() == 3);
    assertThat(visibleToasts()).containsExactlyElementsOf(failed.subList(1, 4));
    assertThat(page.byTestId("toast-more").getText()).isEqualTo("+1 more");

    // hovering the stack holds a success toast past its 5 s, until the pointer leaves
    new Actions(driver).moveToElement(toast(failed.get(3))).perform();
    String held = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    page.waitUntil(LONG, d -> toast(held) != null);
    await().during(Duration.ofSeconds(7)).atMost(LONG).until(() -> toast(held) != null);
    new Actions(driver).moveToElement(driver.findElement(By.cssSelector("h1"))).perform();
    page.waitUntil(LONG, d -> toast(held) == null);
    assertThat(toast(failed.get(3))).as("failures stay").isNotNull();

    // closing one shows the collapsed one again; dismissing a failed task takes its toast away
    clickToastClose(failed.get(3));
    page.waitUntil(SHORT, d -> visibleToasts().equals(failed.subList(0, 3)));
    assertThat(page.byTestId("toast-more").isDisplayed()).isFalse();
    page.openPanel();
    page.click(failed.get(2), "task-dismiss");
    page.waitUntil(SHORT, d -> toast(failed.get(2)) == null);

    // with the panel open the toasts sit beside it, never over its controls
    Rectangle panel = page.byTestId("panel").getRect();
    for (WebElement t : page.shadow().findElements(By.cssSelector("[data-testid='toast']"))) {
      if (t.isDisplayed()) {
        assertThat(intersects(t.getRect(), panel)).as("toast over the open panel").isFalse();
      }
    }
    // and where there is no room beside it, they keep out of the way while it is open
    Dimension size = driver.manage().window().getSize();
    try {
      driver.manage().window().setSize(new Dimension(760, 860));
      page.waitUntil(SHORT, d -> visibleToasts().isEmpty());
      page.byTestId("close").click();
      page.waitUntil(SHORT, d -> visibleToasts().size() == 2);
    } finally {
      driver.manage().window().setSize(size);
    }
  }

  @Test
  void batchOfThreeAnalyses_showsOneParentWithThreeChildren_andCancellingItCancelsThem()
      throws Exception {
    List<String> images =
        List.of(
            imageId,
            app.upload(TestImages.png(120, 90), "b.png"),
            app.upload(TestImages.png(90, 120), "c.png"));
    page.keepCompletedRows();
    page.recordChildCounts();
    page.openPanel();
    String done =
        app.startAsync(
            "/api/analyze/batch",
            Map.of("image_ids", images, "analyzer", "colors", "pace_ms", 100));
    page.waitUntil(LONG, d -> "completed".equals(page.status(done)));
    assertThat(page.part(done, "task-title")).isEqualTo("Batch dominant colours of 3 images");
    assertThat(page.childCounts(done)).endsWith("(3/3)");
    List<String> children = ids(app.job(done).get("child_job_ids"));
    assertThat(children).hasSize(3);
    for (String c : children) {
      assertThat(page.parentRow(c)).isEqualTo(done);
    }

    // a slow batch (5 s a step) cancelled from the widget: the rest is cancelled with it
    String slow =
        app.startAsync(
            "/api/analyze/batch",
            Map.of("image_ids", images, "analyzer", "colors", "pace_ms", 5000));
    page.waitUntil(
        LONG, d -> ids(job(slow).get("child_job_ids")).size() == 3 && "(0/3)".equals(count(slow)));
    page.click(slow, "task-cancel");
    page.waitUntil(LONG, d -> "cancelled".equals(page.status(slow)));
    for (String c : ids(app.job(slow).get("child_job_ids"))) {
      await().atMost(LONG).until(() -> app.status(c).equals("cancelled"));
      page.waitUntil(SHORT, d -> "cancelled".equals(page.status(c)));
    }
  }

  @Test
  void statisticsView_showsCountsPerStatusAndType_durations_andThroughput() throws Exception {
    String id = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    await().atMost(LONG).until(() -> app.status(id).equals("completed"));
    page.openPanel();
    page.byTestId("tab-stats").click();
    JsonNode stats = app.get("/api/jobs/stats").body();
    page.waitUntil(
        SHORT,
        d ->
            page.byTestId("stats-completed")
                .getText()
                .equals(stats.get("by_status").get("completed").asText()));
    assertThat(page.byTestId("stats-total").getText()).isEqualTo(stats.get("total").asText());
    assertThat(
            page.shadow()
                .findElement(By.cssSelector("[data-testid='stats-types'] tr[data-type='analyze']"))
                .getText())
        .startsWith("analyze");
    assertThat(page.byTestId("stats-run-mean").getText()).endsWith(" s");
    assertThat(page.byTestId("stats-throughput").getText())
        .startsWith(
            "Throughput: "
                + stats.get("throughput").get("completed_last_minute").asText()
                + " finished in the last minute");

    // a task that ends while the view is open updates it
    String next = app.startAsync("/api/analyze/colors", Map.of("image_id", imageId));
    await().atMost(LONG).until(() -> app.status(next).equals("completed"));
    String after = statsCompleted();
    page.waitUntil(LONG, d -> page.byTestId("stats-completed").getText().equals(after));
    assertThat(Integer.parseInt(page.byTestId("stats-completed").getText()))
        .isGreaterThan(stats.get("by_status").get("completed").asInt());
  }

  @Test
  void exportButtons_downloadTheCurrentFilter_asJsonAndCsv() throws Exception {
    String analysis = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    String image =
        app.startAsync(
            "/api/generate", Map.of("prompt", "fog, \"quoted\"", "width", 32, "height", 32));
    await().atMost(LONG).until(() -> app.status(analysis).equals("completed"));
    await().atMost(LONG).until(() -> app.status(image).equals("completed"));
    driver.executeCdpCommand(
        "Browser.setDownloadBehavior",
        Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
    page.openPanel();
    new Select(page.byTestId("type-filter")).selectByValue("generate_image");

    page.byTestId("export-json").click();
    Path json = download(".json");
    JsonNode jobs = new ObjectMapper().readTree(json.toFile());
    assertThat(ids(jobs)).contains(image).doesNotContain(analysis);
    jobs.forEach(j -> assertThat(j.get("type").asText()).isEqualTo("generate_image"));

    page.byTestId("export-csv").click();
    Path csv = download(".csv");
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    assertThat(lines.get(0)).startsWith("job_id,");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(image + ","));
    assertThat(String.join("\n", lines)).doesNotContain(analysis);
  }

  @Test
  void pollingFallback_whenTheStreamKeepsFailing_andBackWhenItRecovers() throws Exception {
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand(
        "Network.setBlockedURLs", Map.of("urls", List.of("*/api/jobs/stream*")));
    try {
      driver.get(app.base.toString());
      page.waitUntil(LONG, d -> "polling".equals(page.host().getAttribute("data-connection")));
      page.openPanel();
      assertThat(page.byTestId("connection").getText()).isEqualTo("● Polling");
      assertThat(page.byTestId("polling").isDisplayed()).isTrue();
      page.keepCompletedRows();
      page.recordProgress();
      String id =
          app.startAsync("/api/analyze/colors", Map.of("image_id", imageId, "pace_ms", 1500));
      page.waitUntil(LONG, d -> "running".equals(page.status(id)));
      page.waitUntil(LONG, d -> "completed".equals(page.status(id)));
      assertThat(page.host().getAttribute("data-connection")).isEqualTo("polling");
    } finally {
      driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
    }
    page.waitUntil(LONG, d -> "connected".equals(page.host().getAttribute("data-connection")));
    assertThat(page.byTestId("polling").isDisplayed()).isFalse();
    // live again: a new task arrives over the stream
    String live = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    page.waitUntil(LONG, d -> "completed".equals(page.status(live)));
    driver.executeCdpCommand("Network.disable", Map.of());
  }

  @Test
  void browserNotifications_whenGranted_sayWhatEnded() throws Exception {
    driver.executeCdpCommand(
        "Browser.grantPermissions",
        Map.of(
            "permissions",
            List.of("notifications"),
            "origin",
            app.base.toString().replaceAll("/$", "")));
    Object script =
        driver
            .executeCdpCommand(
                "Page.addScriptToEvaluateOnNewDocument",
                Map.of(
                    "source",
                    "window.__notes = []; const Real = window.Notification;"
                        + " window.Notification = class extends Real { constructor(t, o) {"
                        + " super(t, o); window.__notes.push({title: t, body: o.body, tag: o.tag});"
                        + " } };"))
            .get("identifier");
    try {
      page.open();
      page.openPanel();
      assertThat(page.js("return Notification.permission;")).isEqualTo("granted");
      assertThat(page.byTestId("enable-notifications").isDisplayed()).isFalse();
      String ok = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
      String bad = failing();
      page.waitUntil(LONG, d -> notes().size() >= 2);
      assertThat(notes())
          .anySatisfy(
              n -> {
                assertThat(n.get("title"))
                    .isEqualTo("Completed: Analyzing brightness & contrast of pier.png");
                assertThat(n.get("tag")).isEqualTo(ok);
              })
          .anySatisfy(
              n -> {
                assertThat(n.get("title")).isEqualTo("Failed: Analyzing sharpness of pier.png");
                assertThat((String) n.get("body")).contains("Simulated failure");
                assertThat(n.get("tag")).isEqualTo(bad);
              });
    } finally {
      driver.executeCdpCommand(
          "Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
    }
  }

  @Test
  void button_pulsesWhileRunning_andTurnsGreenWhenAllCompleted() throws Exception {
    page.keepCompletedRows();
    assertThat(page.fab().getAttribute("data-state")).isEqualTo("idle");
    String id = app.startAsync("/api/analyze/colors", Map.of("image_id", imageId, "pace_ms", 1000));
    page.waitUntil(LONG, d -> "running".equals(page.fab().getAttribute("data-state")));
    assertThat(pulse()).isEqualTo("jq-pulse");
    assertThat(page.fab().getCssValue("background-color")).isEqualTo("rgba(29, 78, 216, 1)");
    await().atMost(LONG).until(() -> app.status(id).equals("completed"));
    page.waitUntil(LONG, d -> "completed".equals(page.fab().getAttribute("data-state")));
    assertThat(page.fab().getCssValue("background-color")).isEqualTo("rgba(21, 128, 61, 1)");
    assertThat(pulse()).isEqualTo("none");
  }

  @Test
  void groupByType_showsOneSectionPerType_andBack() throws Exception {
    page.keepCompletedRows();
    String analysis = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    String image =
        app.startAsync("/api/generate", Map.of("prompt", "dunes", "width", 32, "height", 32));
    page.openPanel();
    page.waitUntil(LONG, d -> page.task(analysis) != null && page.task(image) != null);
    page.byTestId("group-by-type").click();
    assertThat(page.byTestId("group-by-type").getAttribute("aria-pressed")).isEqualTo("true");
    page.waitUntil(SHORT, d -> typeOfSection(analysis).equals("analyze"));
    assertThat(typeOfSection(image)).isEqualTo("generate_image");
    page.byTestId("group-by-type").click();
    page.waitUntil(
        SHORT,
        d -> page.shadow().findElements(By.cssSelector("[data-testid='type-group']")).isEmpty());
    assertThat(typeOfSection(analysis)).isEqualTo("");
  }

  @Test
  void generateDialog_priorityReachesTheJob() throws Exception {
    driver.findElement(By.cssSelector("[data-testid='open-generate']")).click();
    driver.findElement(By.cssSelector("[data-testid='prompt']")).sendKeys("urgent skyline");
    new Select(driver.findElement(By.cssSelector("[data-testid='width']"))).selectByValue("256");
    new Select(driver.findElement(By.cssSelector("[data-testid='height']"))).selectByValue("256");
    new Select(driver.findElement(By.cssSelector("[data-testid='priority']"))).selectByValue("10");
    driver.findElement(By.cssSelector("[data-testid='run-generate']")).click();
    JsonNode job =
        await()
            .atMost(LONG)
            .until(
                () -> {
                  JsonNode list = app.get("/api/jobs?type=generate_image&limit=10").body();
                  return list.size() == 1 ? list.get(0) : null;
                },
                j -> j != null);
    assertThat(job.get("title").asText()).contains("urgent skyline");
    assertThat(job.get("priority").asInt()).isEqualTo(10);
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** An analysis that fails its only attempt. */
  private String failing() throws Exception {
    return app.startAsync(
        "/api/analyze/sharpness", Map.of("image_id", imageId, "fail_first_attempts", 1));
  }

  private WebElement toast(String jobId) {
    List<WebElement> t =
        page.shadow()
            .findElements(By.cssSelector("[data-testid='toast'][data-job-id='" + jobId + "']"));
    return t.isEmpty() ? null : t.get(0);
  }

  /** Job ids of the toasts on screen, oldest first. */
  private List<String> visibleToasts() {
    return page.shadow().findElements(By.cssSelector("[data-testid='toast']")).stream()
        .filter(WebElement::isDisplayed)
        .map(t -> t.getAttribute("data-job-id"))
        .toList();
  }

  private void clickToastClose(String jobId) {
    toast(jobId).findElement(By.cssSelector("button")).click();
  }

  private static boolean intersects(Rectangle a, Rectangle b) {
    return a.x < b.x + b.width
        && b.x < a.x + a.width
        && a.y < b.y + b.height
        && b.y < a.y + a.height;
  }

  private JsonNode job(String id) {
    try {
      return app.job(id);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private String statsCompleted() {
    try {
      return app.get("/api/jobs/stats").body().get("by_status").get("completed").asText();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private String count(String jobId) {
    return page.part(jobId, "child-count");
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isObject() ? n.get("job_id").asText() : n.asText()));
    return out;
  }

  private Path download(String suffix) throws IOException {
    return await()
        .atMost(LONG)
        .until(
            () -> {
              try (Stream<Path> files = Files.list(downloads)) {
                return files
                    .filter(f -> f.getFileName().toString().endsWith(suffix))
                    .findFirst()
                    .orElse(null);
              }
            },
            f -> f != null);
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> notes() {
    return (List<Map<String, Object>>) page.js("return window.__notes || [];");
  }

  private String pulse() {
    return (String)
        page.js("return getComputedStyle(arguments[0], '::after').animationName;", page.fab());
  }

  /** The type of the type-group section that shows {@code jobId}, or "" when none does. */
  private String typeOfSection(String jobId) {
    return (String)
        page.js(
            """
        const row = arguments[0].shadowRoot.querySelector(`li[data-testid='task'][data-job-id='${arguments[1]}']`);
        const section = row ? row.closest("[data-testid='type-group']") : null;
        return section ? section.dataset.typeGroup : '';""",
            page.host(),
            jobId);
  }
}
