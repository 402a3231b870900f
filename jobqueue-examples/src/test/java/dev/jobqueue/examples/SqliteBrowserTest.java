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

/** The app on its default store, SQLite: tasks show live and are still in the history after a restart. */
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
  void analysisShowsLive_andSurvivesARestartInTheHistory(@TempDir Path dir) throws Exception {
    BrowserSupport.requireChromium();
    String store = "sqlite:" + dir.resolve("jobs.db");
    app = AppFixture.start(dir.resolve("data"), store);
    driver = BrowserSupport.start(dir.resolve("profile"));
    WidgetPage live = new WidgetPage(driver, app.base).open();
    live.openPanel();

    String imageId = app.upload(TestImages.png(300, 200), "persisted.png");
    String id = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId, "pace_ms", 100));
    live.waitUntil(Duration.ofSeconds(10), d -> live.task(id) != null);
    live.waitUntil(Duration.ofSeconds(30), d -> "completed".equals(live.status(id)));
    assertThat(Files.size(dir.resolve("jobs.db"))).isPositive();

    app.close();
    app = AppFixture.start(dir.resolve("data"), store);
    WidgetPage restarted = new WidgetPage(driver, app.base).open();
    assertThat(app.status(id)).isEqualTo("completed");
    restarted.openPanel();
    restarted.byTestId("tab-history").click();
    restarted.waitUntil(Duration.ofSeconds(10), d -> historyIds(restarted).contains(id));
    assertThat(app.get("/api/presets?image_id=" + imageId).body()).hasSize(1);
  }

  @SuppressWarnings("unchecked")
  private static List<String> historyIds(WidgetPage page) {
    return (List<String>) page.js("return Array.from(arguments[0].shadowRoot.querySelectorAll(\"[data-testid='history-task']\")).map(r => r.dataset.jobId);", page.host());
  }
}
