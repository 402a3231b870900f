package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.http.AnonymousUser;
import dev.jobqueue.examples.http.Json;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The example app started in-process on a free port, with a small JSON HTTP client. The client
 * keeps cookies like a browser, so it is one anonymous user of the app ({@link #otherBrowser()} is
 * another, {@link #actAs} adopts a real browser's).
 */
final class AppFixture implements AutoCloseable {
  final ExampleServer server;
  final URI base;
  private final boolean ownsServer;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).cookieHandler(cookies).build();
  private final ObjectMapper json = Json.mapper();

  private AppFixture(ExampleServer server, boolean ownsServer) {
    this.server = server;
    this.base = server.uri();
    this.ownsServer = ownsServer;
  }

  private AppFixture(ExampleServer server) {
    this(server, true);
  }

  /** A client with its own cookie jar: another anonymous user of the same app. */
  AppFixture otherBrowser() {
    return new AppFixture(server, false);
  }

  /** From now on acts as the anonymous user whose cookie holds {@code userId} (a browser's). */
  void actAs(String userId) {
    HttpCookie cookie = new HttpCookie(AnonymousUser.COOKIE, userId);
    cookie.setPath("/");
    cookie.setVersion(0);
    cookies.getCookieStore().removeAll();
    cookies.getCookieStore().add(base, cookie);
  }

  /** A client of {@code server}, which it closes when closed. */
  static AppFixture of(ExampleServer server) {
    return new AppFixture(server);
  }

  static AppFixture start(Path dataDir, String store) throws Exception {
    return start(dataDir, store, 0);
  }

  static AppFixture start(Path dataDir, String store, int port) throws Exception {
    return new AppFixture(ExampleServer.start(new AppOptions(port, store, 4, dataDir)));
  }

  /** A response: status and parsed JSON body (null when the body is not JSON). */
  record Answer(int status, JsonNode body, String contentType) {}

  Answer send(String method, String path, HttpRequest.BodyPublisher body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body);
    if (contentType != null) {
      req.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
    String type = resp.headers().firstValue("Content-Type").orElse("");
    JsonNode node = type.startsWith("application/json") ? json.readTree(resp.body()) : null;
    return new Answer(resp.statusCode(), node, type);
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
  }

  Answer postJson(String path, Object body) throws IOException, InterruptedException {
    String text = body instanceof String s ? s : json.writeValueAsString(body);
    return send("POST", path, HttpRequest.BodyPublishers.ofString(text), "application/json");
  }

  /** Uploads raw bytes; returns the image id. */
  String upload(byte[] bytes, String name) throws IOException, InterruptedException {
    Answer a =
        send(
            "POST",
            "/api/images?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
            HttpRequest.BodyPublishers.ofByteArray(bytes),
            "application/octet-stream");
    assertThat(a.status()).as("upload of %s: %s", name, a.body()).isEqualTo(201);
    return a.body().get("image_id").asText();
  }

  /** Starts a job with {@code ?async=true}; returns its id. */
  String startAsync(String path, Object body) throws IOException, InterruptedException {
    Answer a = postJson(path + "?async=true", body);
    assertThat(a.status()).as("POST %s: %s", path, a.body()).isEqualTo(202);
    return a.body().get("job_id").asText();
  }

  JsonNode job(String id) throws IOException, InterruptedException {
    Answer a = get("/api/jobs/" + id);
    assertThat(a.status()).as("job %s", id).isEqualTo(200);
    return a.body();
  }

  String status(String id) throws IOException, InterruptedException {
    return job(id).get("status").asText();
  }

  /** Number of queued or running jobs without a parent (what the widget's badge counts). */
  int activeTopLevel() throws IOException, InterruptedException {
    JsonNode jobs = get("/api/jobs?status=queued,running&limit=1000").body();
    int n = 0;
    for (JsonNode j : jobs) {
      if (j.get("parent_job_id").isNull()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (ownsServer) {
      server.close();
    }
  }
}
