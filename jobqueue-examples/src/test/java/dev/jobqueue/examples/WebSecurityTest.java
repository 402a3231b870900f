package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.examples.http.StaticServlet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example app as an attacker or a second visitor meets it: per-browser users, security headers,
 * and specific JSON 4xx answers to malformed requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSecurityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private AppFixture app;
  private String imageId;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    app = AppFixture.start(dir, "memory");
    imageId = app.upload(TestImages.png(64, 48), "mine.png");
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void eachBrowserGetsAnHttpOnlyLaxCookieOnItsFirstRequest() throws Exception {
    HttpClient fresh = HttpClient.newHttpClient();
    HttpResponse<String> first =
        fresh.send(HttpRequest.newBuilder(app.base).build(), HttpResponse.BodyHandlers.ofString());
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie)
        .matches("jq_user=[A-Za-z0-9_-]{22}; .*")
        .contains("; Path=/", "; HttpOnly", "; SameSite=Lax");
    String value = cookie.substring("jq_user=".length(), cookie.indexOf(';'));
    HttpResponse<String> again =
        fresh.send(
            HttpRequest.newBuilder(app.base.resolve("/api/jobs"))
                .header("Cookie", "jq_user=" + value)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.headers().firstValue("Set-Cookie")).isEmpty(); // known: not issued again
    // a cookie we could not have issued is replaced, not trusted
    HttpResponse<String> forged =
        fresh.send(
            HttpRequest.newBuilder(app.base.resolve("/api/jobs"))
                .header("Cookie", "jq_user=admin")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forged.headers().firstValue("Set-Cookie")).get().asString().doesNotContain("admin");
    // an error answer on a first visit still hands out the cookie
    HttpResponse<String> missing =
        fresh.send(
            HttpRequest.newBuilder(app.base.resolve("/api/images/nope")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Set-Cookie")).get().asString().startsWith("jq_user=");
  }

  @Test
  void twoBrowsersNeverSeeEachOthersJobs() throws Exception {
    AppFixture other = app.otherBrowser();
    String mine = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
    String theirs = other.startAsync("/api/analyze/metadata", Map.of("image_id", imageId));

    assertThat(app.get("/api/jobs/" + theirs).status()).isEqualTo(404);
    assertThat(other.get("/api/jobs/" + mine).status()).isEqualTo(404);
    assertThat(ids(app.get("/api/jobs?limit=1000").body())).contains(mine).doesNotContain(theirs);
    assertThat(ids(other.get("/api/jobs?limit=1000").body())).contains(theirs).doesNotContain(mine);
    assertThat(ids(other.get("/api/jobs/export?format=json").body())).doesNotContain(mine);
    AppFixture.Answer cancel =
        other.send(
            "POST", "/api/jobs/" + mine + "/cancel", HttpRequest.BodyPublishers.noBody(), null);
    assertThat(cancel.status()).isEqualTo(404);
    assertThat(app.job(mine).get("user_id").asText()).isNotBlank();
  }

  @Test
  void thePageSendsAContentSecurityPolicyAndNoServerName() throws Exception {
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(app.base).build(), HttpResponse.BodyHandlers.ofString());
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp).isEqualTo(StaticServlet.CONTENT_SECURITY_POLICY);
    assertThat(csp)
        .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*");
    // the page has no inline script or style for the policy to refuse
    assertThat(page.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
    assertThat(page.body()).doesNotContain("<style", " style=", "onclick=", "onload=");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(page.headers().firstValue("Server")).isEmpty();
    assertThat(page.headers().firstValue("X-Powered-By")).isEmpty();

    // errors Jetty answers itself: JSON, no name, no version
    RawHttp.Answer bad =
        RawHttp.send(
            app.server.port(),
            "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n");
    assertJsonError(bad, 400);
    RawHttp.Answer huge =
        RawHttp.send(
            app.server.port(),
            "GET / HTTP/1.1\r\nHost: a\r\nX-Big: "
                + "x".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");
    assertJsonError(huge, 431);
  }

  @Test
  void malformedRequestsGetSpecificJson400s() throws Exception {
    int port = app.server.port();
    RawHttp.Answer ff = raw(port, "GET /api/presets?image_id=%FF", null, null);
    assertJsonError(ff, 400);
    assertThat(ff.body()).contains("UTF-8");
    assertJsonError(raw(port, "GET /api/presets?image_id=%G1", null, null), 400);
    assertJsonError(raw(port, "GET /api/jobs?q=%FF", null, null), 400);
    assertJsonError(raw(port, "GET /api/presets?image_id=a&image_id=b", null, null), 400);
    assertJsonError(
        raw(port, "POST /api/generate?async=true&async=false", "application/json", "{}"), 400);
    // an upload as a form in a charset the JVM does not know: the body is bytes, not a form
    RawHttp.Answer form =
        raw(
            port,
            "POST /api/images?name=x.png",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "a=b");
    assertJsonError(form, 400);
    assertThat(form.body()).contains("charset 'no-such-charset'");
    // multipart without a boundary, with a broken one, without the file field
    for (String[] mp :
        List.of(
            new String[] {"multipart/form-data", "--x\r\n\r\nabc"},
            new String[] {
              "multipart/form-data; boundary=zz",
              "--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"
            },
            new String[] {"multipart/form-data; boundary=zz", "garbage"})) {
      RawHttp.Answer a = raw(port, "POST /api/images", mp[0], mp[1]);
      assertJsonError(a, 400);
      assertThat(a.body()).contains("multipart");
    }
    assertJsonError(raw(port, "PUT /api/images", "application/json", "{}"), 405);
    assertJsonError(raw(port, "DELETE /", null, null), 405);
    // a body on a GET is ignored, not a failure
    assertThat(raw(port, "GET /api/analyzers", "application/json", "{oops").status())
        .isEqualTo(200);
  }

  static RawHttp.Answer raw(int port, String line, String type, String body) throws Exception {
    StringBuilder b = new StringBuilder(line).append(" HTTP/1.1\r\nHost: localhost\r\n");
    b.append("Connection: close\r\n");
    if (type != null) {
      b.append("Content-Type: ").append(type).append("\r\n");
    }
    byte[] bytes =
        body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (body != null) {
      b.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    b.append("\r\n");
    byte[] head = b.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + bytes.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(bytes, 0, all, head.length, bytes.length);
    return RawHttp.send(port, all);
  }

  static void assertJsonError(RawHttp.Answer a, int status) throws Exception {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).as(a.body()).startsWith("application/json");
    JsonNode n = JSON.readTree(a.body());
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("error").asText()).isNotBlank();
    assertThat(a.body()).doesNotContain("Exception", "jetty", "Jetty", "\tat ");
    assertThat(a.header("Server")).isNull();
  }

  private static List<String> ids(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.get("job_id").asText()));
    return out;
  }
}
