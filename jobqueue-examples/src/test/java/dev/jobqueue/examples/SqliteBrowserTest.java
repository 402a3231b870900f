package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The app on its default store, SQLite: tasks show live; when the server stops the widget shows it
 * is disconnected, reconnects by itself when the server is back, and the finished task is still in
 * the history.
 */
class SqliteBrowserTest {
  private ChromeDriver driver;
  private AppFixture app;

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void analysisShowsLive_widgetReconnectsAfterARestart_andHistoryKeepsTheTask(@TempDir Path dir)
      throws Exception {
    BrowserSupport.requireChromium();
    String store = "sqlite:" + dir.resolve("jobs.db");
    app = AppFixture.start(dir.resolve("data"), store);
    driver = BrowserSupport.start(dir.resolve("profile"));
    WidgetPage live = new WidgetPage(driver, app.base).open();
    app.actAs(live.user()); // the test's requests are the browser's user
    // completed rows stay, so that "completed" is there to see however late this test looks
    // (by default a row goes 5 s after its end; the auto-dismissal has its own test)
    live.js("arguments[0].setAttribute('auto-dismiss-ms', '0')", live.host());
    live.openPanel();

    String imageId = app.upload(TestImages.png(300, 200), "persisted.png");
    String id =
        app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId, "pace_ms", 100));
    live.waitUntil(Duration.ofSeconds(30), d -> live.task(id) != null);
    live.waitUntil(Duration.ofSeconds(30), d -> "completed".equals(live.status(id)));
    assertThat(Files.size(dir.resolve("jobs.db"))).isPositive();

    // the server goes away: the widget says so, then reconnects by itself when it is back
    int port = app.server.port();
    app.close();
    live.waitUntil(
        Duration.ofSeconds(30),
        d -> "disconnected".equals(live.host().getAttribute("data-connection")));
    assertThat(live.byTestId("disconnected").isDisplayed()).isTrue();
    assertThat(live.fab().getAttribute("aria-label")).endsWith(", disconnected");
    app = AppFixture.start(dir.resolve("data"), store, port);
    app.actAs(live.user());
    live.waitUntil(
        Duration.ofSeconds(40),
        d -> "connected".equals(live.host().getAttribute("data-connection")));
    assertThat(live.byTestId("disconnected").isDisplayed()).isFalse();
    assertThat(app.status(id)).as("kept by SQLite across the restart").isEqualTo("completed");
    String next =
        app.startAsync("/api/analyze/metadata", Map.of("image_id", imageId, "pace_ms", 100));
    live.waitUntil(Duration.ofSeconds(30), d -> "completed".equals(live.status(next)));

    live.byTestId("tab-history").click();
    live.waitUntil(Duration.ofSeconds(30), d -> historyIds(live).contains(id));
    assertThat(app.get("/api/presets?image_id=" + imageId).body()).hasSize(2);
  }

  @SuppressWarnings("unchecked")
  private static List<String> historyIds(WidgetPage page) {
    return (List<String>)
        page.js(
            "return Array.from(arguments[0].shadowRoot.querySelectorAll(\"[data-testid='history-task']\")).map(r => r.dataset.jobId);",
            page.host());
  }
}
