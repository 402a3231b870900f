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
        Duration.ofSeconds(15), d -> "connected".equals(host().getAttribute("data-connection")));
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
    waitUntil(Duration.ofSeconds(5), d -> byTestId("panel").isDisplayed());
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
   * Records every text a row's {@code testId} part (e.g. {@code child-count}) shows from now on, as
   * {id, text} entries, so a test can prove an intermediate value was shown without sampling at the
   * right moment.
   */
  void recordTexts(String testId) {
    js(
        """
        window.__texts = window.__texts || [];
        const testId = arguments[1];
        new MutationObserver(ms => {
          for (const m of ms) {
            const part = m.target.closest ? m.target.closest(`[data-testid='${testId}']`) : null;
            const row = part ? part.closest('[data-job-id]') : null;
            if (row) {
              for (const n of m.addedNodes) {
                window.__texts.push({id: row.dataset.jobId, text: n.textContent});
              }
            }
          }
        }).observe(arguments[0].shadowRoot, {subtree: true, childList: true});""",
        host(),
        testId);
  }

  /** The texts {@link #recordTexts} saw for {@code jobId}'s rows, in order. */
  @SuppressWarnings("unchecked")
  List<String> textLog(String jobId) {
    List<Map<String, Object>> log = (List<Map<String, Object>>) js("return window.__texts || [];");
    return log.stream()
        .filter(e -> jobId.equals(e.get("id")))
        .map(e -> (String) e.get("text"))
        .toList();
  }

  /**
   * Every live-view row at one instant, by job id: {status, parent (the enclosing row's job id or
   * null), chip (child-count text), message}. One script run, so the rows are read together.
   */
  @SuppressWarnings("unchecked")
  Map<String, Map<String, Object>> rowsNow() {
    return (Map<String, Map<String, Object>>)
        js(
            """
        const out = {};
        for (const row of arguments[0].shadowRoot.querySelectorAll("li[data-testid='task']")) {
          const own = (id) => Array.from(row.querySelectorAll(`[data-testid='${id}']`))
              .find(e => e.closest("li[data-testid='task']") === row);
          const parent = row.parentElement ? row.parentElement.closest("li[data-testid='task']") : null;
          out[row.dataset.jobId] = {
            status: row.dataset.status,
            parent: parent ? parent.dataset.jobId : null,
            chip: own('child-count') ? own('child-count').textContent : null,
            message: own('task-message') ? own('task-message').textContent : null,
          };
        }
        return out;""",
            host());
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
