package dev.jobqueue.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The one place that decides whether browser tests can run, and starts headless Chromium.
 *
 * <p>Uses Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (override with
 * system properties {@code jobqueue.chromium} and {@code jobqueue.chromedriver}). Both paths are
 * given to Selenium explicitly, so Selenium Manager never downloads anything. When either is
 * missing the tests are skipped with a message saying what to install, unless {@code
 * jobqueue.requireServices=true} (set by CI), in which case they fail.
 */
public final class BrowserSupport {
  public static final String CHROMIUM =
      System.getProperty("jobqueue.chromium", "/usr/bin/chromium");
  public static final String CHROMEDRIVER =
      System.getProperty("jobqueue.chromedriver", "/usr/bin/chromedriver");

  private BrowserSupport() {}

  /** Skips (or, when services are required, fails) the calling test unless Chromium can run. */
  public static void requireChromium() {
    List<String> missing = new ArrayList<>();
    for (String path : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(Path.of(path))) {
        missing.add(path);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String message =
        "Browser tests need headless Chromium and its driver, but "
            + String.join(" and ", missing)
            + (missing.size() == 1 ? " is" : " are")
            + " missing. Install them with "
            + "'apt-get install -y chromium chromium-driver' (or point -Djobqueue.chromium / "
            + "-Djobqueue.chromedriver at them).";
    if (Boolean.getBoolean("jobqueue.requireServices")) {
      fail(message + " Failing because jobqueue.requireServices=true.");
    }
    Assumptions.abort(message + " Skipping.");
  }

  /** Starts headless Chromium with a fresh profile in {@code profileDir}. */
  public static ChromeDriver start(Path profileDir) {
    requireChromium();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + profileDir.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort()
            .withSilent(true)
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
