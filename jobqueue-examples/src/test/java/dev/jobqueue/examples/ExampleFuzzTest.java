package dev.jobqueue.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random requests to every endpoint of the example app (its own API, the page, the jobs API)
 * as raw bytes and with java.net.http: no 5xx, a JSON error for every 4xx (Jetty's own refusals
 * included), no exception name, stack frame or server version in any body, and the app still works
 * afterwards. A failure prints the seed: rerun with {@code -Djobqueue.fuzz.seed=}.
 */
class ExampleFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LEAK =
      Pattern.compile(
          "[A-Za-z]+(Exception|Error)\\b|\\bat [a-z]+\\.[a-z.]+[A-Za-z$]+\\(|Caused by|[Jj]etty");
  private static final int RAW = 650;
  private static final int CLIENT = 400;

  private static final List<String> METHODS =
      List.of(
          "GET", "GET", "GET", "POST", "POST", "POST", "DELETE", "PUT", "HEAD", "OPTIONS", "FOO");
  private static final List<String> VALUES =
      List.of(
          "true", "false", "1", "x", "", "%FF", "%G1", "%", "%E2%82", "%C3%A9", "a+b", "%00",
          "%3C");
  private static final List<String> TYPES =
      List.of(
          "application/json",
          "application/json; charset=no-such-charset",
          "application/x-www-form-urlencoded; charset=no-such-charset",
          "application/x-www-form-urlencoded",
          "multipart/form-data",
          "multipart/form-data; boundary=zz",
          "multipart/form-data; boundary=",
          "image/png",
          "text/plain; charset=\"",
          "");

  @Test
  void fuzzedRequestsGetJson4xxNever5xxAndLeakNoInternals(@TempDir Path dir) throws Exception {
    long seed = Long.getLong("jobqueue.fuzz.seed", System.nanoTime());
    Random random = new Random(seed);
    try (AppFixture app = AppFixture.start(dir, "memory")) {
      String imageId = app.upload(TestImages.png(32, 24), "fuzz.png");
      String jobId = app.startAsync("/api/analyze/brightness", Map.of("image_id", imageId));
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      int port = app.server.port();
      List<String> problems = new ArrayList<>();
      for (int i = 0; i < RAW + CLIENT && problems.size() < 10; i++) {
        boolean viaClient = i >= RAW;
        String method = pick(random, METHODS);
        String target = target(random, imageId, jobId, viaClient);
        String type = random.nextInt(3) == 0 ? pick(random, TYPES) : null;
        byte[] body = body(random, imageId);
        int status;
        String contentType;
        String text;
        if (viaClient) {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + target))
                  .timeout(Duration.ofSeconds(30))
                  .method(
                      method,
                      body == null
                          ? HttpRequest.BodyPublishers.noBody()
                          : HttpRequest.BodyPublishers.ofByteArray(body));
          if (type != null) {
            b.header("Content-Type", type);
          }
          HttpResponse<InputStream> r;
          try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
          } catch (java.io.IOException e) {
            // a pooled connection the server closed after an earlier answer: once more
            try {
              r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.io.IOException again) {
              problems.add("client " + method + " " + abbreviate(target) + ": no answer: " + again);
              continue;
            }
          }
          status = r.statusCode();
          contentType = r.headers().firstValue("Content-Type").orElse("");
          try (InputStream in = r.body()) {
            text =
                contentType.startsWith("text/event-stream")
                    ? ""
                    : new String(in.readNBytes(200_000), StandardCharsets.UTF_8);
          }
        } else {
          StringBuilder h = new StringBuilder(method).append(' ').append(target);
          h.append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
          if (type != null) {
            h.append("Content-Type: ").append(type).append("\r\n");
          }
          if (random.nextInt(15) == 0) {
            h.append("Cookie: jq_user=").append(pick(random, VALUES)).append("\r\n");
          }
          byte[] bytes = body == null ? new byte[0] : body;
          if (body != null && random.nextInt(5) == 0) {
            h.append("Transfer-Encoding: chunked\r\n\r\n");
            h.append(random.nextBoolean() ? Integer.toHexString(bytes.length) : "zz");
            h.append("\r\n").append(new String(bytes, StandardCharsets.ISO_8859_1));
            h.append("\r\n0\r\n\r\n");
            bytes = new byte[0];
          } else {
            if (body != null) {
              h.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            h.append("\r\n");
          }
          byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
          byte[] all = new byte[head.length + bytes.length];
          System.arraycopy(head, 0, all, 0, head.length);
          System.arraycopy(bytes, 0, all, head.length, bytes.length);
          RawHttp.Answer a = RawHttp.send(port, all);
          status = a.status();
          contentType = a.header("Content-Type") == null ? "" : a.header("Content-Type");
          text = a.body();
        }
        String problem = problem(method, status, contentType, text);
        if (problem != null) {
          problems.add(
              (viaClient ? "client " : "raw ")
                  + method
                  + " "
                  + abbreviate(target)
                  + " type "
                  + type
                  + " body "
                  + (body == null
                      ? "none"
                      : abbreviate(new String(body, StandardCharsets.ISO_8859_1)))
                  + " -> "
                  + status
                  + " "
                  + abbreviate(text)
                  + ": "
                  + problem);
        }
      }
      assertThat(problems)
          .as(
              "fuzz of the example app with seed %d (rerun with -Djobqueue.fuzz.seed=%d)",
              seed, seed)
          .isEmpty();

      // still answering normally
      assertThat(app.get("/api/analyzers").status()).isEqualTo(200);
      String after = app.startAsync("/api/analyze/metadata", Map.of("image_id", imageId));
      assertThat(app.job(after).get("job_id").asText()).isEqualTo(after);
    }
  }

  private static String problem(String method, int status, String type, String body) {
    if (status < 100) {
      return "no answer";
    }
    if (status >= 500) {
      return "a 5xx";
    }
    boolean json = type.startsWith("application/json");
    if ((status >= 400 || json) && LEAK.matcher(body).find()) { // app.js may say "Error"
      return "internals in the body";
    }
    if (method.equalsIgnoreCase("HEAD") || status < 400) {
      return null;
    }
    if (!type.startsWith("application/json")) {
      return "a 4xx that is not JSON";
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n.get("status").asInt() != status || n.get("error").asText().isBlank()) {
        return "a JSON error without status and words";
      }
    } catch (Exception e) {
      return "an error body that is not JSON";
    }
    return null;
  }

  private static String target(Random r, String imageId, String jobId, boolean uriSafe) {
    String id = r.nextInt(3) == 0 ? "nope" : imageId;
    String path =
        switch (r.nextInt(20)) {
          case 0 -> "/";
          case 1 -> "/app.js";
          case 2 -> "/index.html";
          case 3 -> "/missing.txt";
          case 4, 5 -> "/api/images";
          case 6 -> "/api/images/" + id;
          case 7 -> "/api/analyzers";
          case 8 ->
              "/api/analyze/"
                  + pick(r, List.of("brightness", "comprehensive", "batch", "nope", ""));
          case 9 -> pick(r, List.of("/api/generate", "/api/generate/batch"));
          case 10 -> "/api/presets";
          case 11 -> "/api/presets/" + id + "/thumbnail";
          case 12 -> "/api/jobs";
          case 13 -> "/api/jobs/" + jobId;
          case 14 -> "/api/jobs/" + jobId + "/cancel";
          case 15 -> "/api/jobs/stats";
          case 16 -> "/api/jobs/export";
          case 17 -> uriSafe ? "/api/jobs/stream" : "/api/jobs/ui/task-manager.js";
          case 18 -> "/api/" + pick(r, List.of("%FF", "%C3%A9", "a%2Fb", "x".repeat(500)));
          default -> "/api/images/" + id + "/extra";
        };
    StringBuilder q = new StringBuilder();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      q.append(i == 0 ? '?' : '&');
      String name =
          pick(
              r,
              List.of("async", "async_mode", "name", "image_id", "status", "limit", "q", "format"));
      String value = pick(r, VALUES);
      if (uriSafe && (value.equals("%G1") || value.equals("%"))) {
        value = "%FF";
      }
      if (r.nextInt(20) == 0) {
        value = "v".repeat(2000);
      }
      q.append(name).append('=').append(value);
      if (r.nextInt(6) == 0) {
        q.append('&').append(name).append("=1");
      }
    }
    return path + q;
  }

  private static byte[] body(Random r, String imageId) {
    return switch (r.nextInt(14)) {
      case 0 -> ("{\"image_id\":\"" + imageId + "\"}").getBytes(StandardCharsets.UTF_8);
      case 1 -> "{\"prompt\":\"x\",\"width\":16,\"height\":16}".getBytes(StandardCharsets.UTF_8);
      case 2 -> "{not json".getBytes(StandardCharsets.UTF_8);
      case 3 ->
          "--zz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--z"
              .getBytes(StandardCharsets.ISO_8859_1);
      case 4 -> "a=%FF&b=%G1".getBytes(StandardCharsets.ISO_8859_1);
      case 5 -> TestImages.png(8, 8);
      case 6 -> ("{\"analyses\":" + "[".repeat(2000) + "}").getBytes(StandardCharsets.UTF_8);
      case 7 -> new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1};
      case 8 ->
          ("{\"image_ids\":[\"" + imageId + "\",1],\"analyzer\":\"edges\",\"depends_on\":[\"x\"]}")
              .getBytes(StandardCharsets.UTF_8);
      case 9 ->
          "{\"prompts\":[\"a\"],\"width\":16,\"height\":16,\"priority\":1e9}"
              .getBytes(StandardCharsets.UTF_8);
      default -> null;
    };
  }

  private static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 150 ? s : s.substring(0, 147) + "...";
  }
}
