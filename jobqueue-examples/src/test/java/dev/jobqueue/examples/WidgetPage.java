package dev.jobqueue.examples;

import dev.jobqueue.examples.http.AnonymousUser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The example page and the task-manager widget inside its shadow root, for the browser tests. */
final class WidgetPage {
  private final WebDriver driver;
  private final URI base;

  WidgetPage(WebDriver driver, URI base) {
    this.driver = driver;
    this.base = base;
  }

  /** Loads the page and waits until the widget is connected to the stream. */
  WidgetPage open() {
    driver.get(base.toString());
    waitUntil(
        Duration.ofSeconds(30), d -> "connected".equals(host().getAttribute("data-connection")));
    return this;
  }

  /** The anonymous user id the app gave this browser (its HttpOnly cookie). */
  String user() {
    return driver.manage().getCookieNamed(AnonymousUser.COOKIE).getValue();
  }

  WebElement host() {
    return driver.findElement(By.cssSelector("job-task-manager"));
  }

  SearchContext shadow() {
    return host().getShadowRoot();
  }

  WebElement byTestId(String id) {
    return shadow().findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  WebElement fab() {
    return byTestId("fab");
  }

  void openPanel() {
    if (!"true".equals(fab().getAttribute("aria-expanded"))) {
      fab().click();
    }
    waitUntil(Duration.ofSeconds(15), d -> byTestId("panel").isDisplayed());
  }

  /** The live-view row of {@code jobId}, or null when it is not shown. */
  WebElement task(String jobId) {
    List<WebElement> rows =
        shadow()
            .findElements(By.cssSelector("li[data-testid='task'][data-job-id='" + jobId + "']"));
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Text of a part of {@code jobId}'s own row (not of its children). */
  String part(String jobId, String testId) {
    Object text =
        js(
            """
        const row = arguments[0].shadowRoot.querySelector(`li[data-testid='task'][data-job-id='${arguments[1]}']`);
        if (!row) return null;
        const el = Array.from(row.querySelectorAll(`[data-testid='${arguments[2]}']`))
            .find(e => e.closest("li[data-testid='task']") === row);
        return el ? el.textContent : null;""",
            host(),
            jobId,
            testId);
    return (String) text;
  }

  /** The row's status, or null when it is not shown. */
  String status(String jobId) {
    return attr(jobId, "data-status");
  }

  Integer percent(String jobId) {
    String p = attr(jobId, "data-progress");
    return p == null ? null : Integer.valueOf(p);
  }

  /** The id of the task row that contains {@code jobId}'s row, or null at top level. */
  String parentRow(String jobId) {
    return (String)
        js(
            """
        const row = arguments[0].shadowRoot.querySelector(`li[data-testid='task'][data-job-id='${arguments[1]}']`);
        const parent = row && row.parentElement ? row.parentElement.closest("li[data-testid='task']") : null;
        return parent ? parent.dataset.jobId : null;""",
            host(),
            jobId);
  }

  private String attr(String jobId, String name) {
    try {
      WebElement row = task(jobId);
      return row == null ? null : row.getAttribute(name);
    } catch (StaleElementReferenceException e) {
      return null;
    }
  }

  /** Clicks a button of {@code jobId}'s own row. */
  void click(String jobId, String testId) {
    js(
        """
        const row = arguments[0].shadowRoot.querySelector(`li[data-testid='task'][data-job-id='${arguments[1]}']`);
        const button = Array.from(row.querySelectorAll(`[data-testid='${arguments[2]}']`))
            .find(e => e.closest("li[data-testid='task']") === row);
        button.scrollIntoView({block: 'nearest'});""",
        host(),
        jobId,
        testId);
    WebElement row = task(jobId);
    for (WebElement b : row.findElements(By.cssSelector("[data-testid='" + testId + "']"))) {
      if (b.isDisplayed()) {
        b.click();
        return;
      }
    }
    throw new NoSuchElementException("no visible " + testId + " in the row of job " + jobId);
  }

  String badge() {
    WebElement badge = byTestId("badge");
    return badge.isDisplayed() ? badge.getText() : "0";
  }

  /**
   * Records every change of a row's progress or status from now on (a MutationObserver in the
   * page), so a test can prove progress moved without sampling at the right moment.
   */
  void recordProgress() {
    js(
        """
        window.__progress = [];
        const root = arguments[0].shadowRoot;
        new MutationObserver(ms => {
          for (const m of ms) {
            const r = m.target;
            if (r.dataset && r.dataset.jobId) {
              window.__progress.push({id: r.dataset.jobId, p: Number(r.dataset.progress), s: r.dataset.status, t: performance.now()});
            }
          }
        }).observe(root, {subtree: true, attributes: true, attributeFilter: ['data-progress', 'data-status']});""",
        host());
  }

  /**
   * Records the text of every toast shown from now on: a toast hides itself after a few seconds, so
   * a test that looks later than that must still see that it was shown.
   */
  void recordToasts() {
    js(
        """
        window.__toasts = [];
        const root = arguments[0].shadowRoot;
        const seen = new Set();
        new MutationObserver(() => {
          root.querySelectorAll("[data-testid='toast-text']").forEach(t => {
            if (!seen.has(t)) {
              seen.add(t);
              window.__toasts.push(t.textContent);
            }
          });
        }).observe(root, {subtree: true, childList: true, characterData: true});""",
        host());
  }

  /** Texts of the toasts shown since {@link #recordToasts()}, oldest first. */
  @SuppressWarnings("unchecked")
  List<String> toastLog() {
    return (List<String>) js("return window.__toasts || [];");
  }

  /**
   * Keeps completed rows on screen (auto-dismissal off) until the page is loaded again, so that a
   * test sees the final state of a row however late it looks.
   */
  void keepCompletedRows() {
    js("arguments[0].setAttribute('auto-dismiss-ms', '0')", host());
  }

  /**
   * Records every child count a parent row shows from now on ({@code id}, {@code count}, e.g.
   * "2/6"), so a test can prove the count moved without sampling at the right moment.
   */
  void recordChildCounts() {
    js(
        """
        window.__counts = [];
        const root = arguments[0].shadowRoot;
        const last = new Map();
        new MutationObserver(() => {
          root.querySelectorAll("li[data-testid='task']").forEach(row => {
            const chip = Array.from(row.querySelectorAll("[data-testid='child-count']"))
                .find(e => e.closest("li[data-testid='task']") === row);
            if (chip && !chip.hidden && last.get(row.dataset.jobId) !== chip.textContent) {
              last.set(row.dataset.jobId, chip.textContent);
              window.__counts.push({id: row.dataset.jobId, count: chip.textContent});
            }
          });
        }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});""",
        host());
  }

  /** The child counts {@code jobId}'s row showed since {@link #recordChildCounts()}. */
  @SuppressWarnings("unchecked")
  List<String> childCounts(String jobId) {
    return ((List<Map<String, Object>>) js("return window.__counts || [];"))
        .stream().filter(e -> jobId.equals(e.get("id"))).map(e -> (String) e.get("count")).toList();
  }

  @SuppressWarnings("unchecked")
  List<Map<String, Object>> progressLog() {
    return (List<Map<String, Object>>) js("return window.__progress || [];");
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  <T> T waitUntil(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(50))
        .ignoring(StaleElementReferenceException.class)
        .ignoring(NoSuchElementException.class)
        .until(condition);
  }
}
