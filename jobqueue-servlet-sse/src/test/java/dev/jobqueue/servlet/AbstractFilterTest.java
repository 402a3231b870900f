package dev.jobqueue.servlet;

import static dev.jobqueue.servlet.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.NewThreads;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every scenario of the filter, written once and run against each real container by a subclass.
 * Requests go over loopback with java.net.http; the user is the {@code X-User} header.
 */
abstract class AbstractFilterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration HEARTBEAT = Duration.ofMillis(200);

  /**
   * For tests whose reading clients must never be dropped: a client is dropped when nothing could
   * be written to it for 4 heartbeats, and with {@link #HEARTBEAT} that is 0.8 s, which a reader in
   * this busy JVM on a loaded machine may well stall. Stuck clients there are dropped because their
   * buffer overflows, which does not depend on time.
   */
  static final Duration PATIENT_HEARTBEAT = Duration.ofSeconds(10);

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  JobQueue queue;
  JobQueueFilter filter;
  ServletContainer container;
  String base;
  int port;
  final List<AutoCloseable> toClose = new ArrayList<>();

  /** {@code X-Fuzz} ids of the requests the container handed to the filter. */
  final Set<String> handedOver = ConcurrentHashMap.newKeySet();

  /** Lets the "hold" handler return; it ignores interrupts until then. */
  final CountDownLatch release = new CountDownLatch(1);

  /** SSE threads this test's filters start (taken before {@link #start()} builds the filter). */
  final NewThreads sseThreads = NewThreads.since("jobqueue-sse-");

  abstract ServletContainer newContainer();

  /**
   * Whether the container answers a request whose body framing is broken itself, even after handing
   * it to the filter. Tomcat does: its connector sends its own 400 the moment the filter reads the
   * broken chunk, and its error page replaces whatever the filter writes then.
   */
  boolean containerAnswersUnreadableBodies() {
    return false;
  }

  @BeforeEach
  void start() throws Exception {
    queue =
        JobQueue.builder()
            .workers(2)
            .handler("work", ctx -> Map.of("ok", true))
            .handler(
                "hold",
                ctx -> {
                  boolean interrupted = false;
                  while (release.getCount() > 0) {
                    try {
                      release.await();
                    } catch (InterruptedException e) {
                      interrupted = true; // a cancel: keep running so "cancelling" can be seen
                    }
                  }
                  if (interrupted) {
                    Thread.currentThread().interrupt();
                  }
                  return Map.of("held", true);
                })
            .handler(
                "flaky",
                ctx -> {
                  throw new IllegalStateException("disk full");
                })
            .build();
    filter =
        JobQueueFilter.builder(queue)
            .userResolver(req -> req.getHeader("X-User"))
            .allowedOrigins(Set.of("https://allowed.example"))
            .heartbeat(HEARTBEAT)
            .maxBodyBytes(1024)
            .replayBuffer(1000)
            .clientBuffer(16)
            .build();
    container = newContainer();
    port = container.start(new Recording(filter, handedOver));
    base = "http://localhost:" + port;
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    for (AutoCloseable c : toClose) {
      c.close();
    }
    container.close();
    filter.destroy();
    assertThat(filter.openConnections()).isZero();
    queue.close();
  }

  // ---------------------------------------------------------------- helpers

  Job tracked(String user, String title) {
    return queue.tracker().create(JobRequest.builder("upload", title).userId(user).build());
  }

  Job running(String user, String title) {
    return queue.tracker().start(tracked(user, title).id());
  }

  Job completed(String user, String title) {
    Job j = running(user, title);
    return queue.tracker().complete(j.id(), Map.of("url", "/files/" + j.id()));
  }

  HttpRequest.Builder req(String path, String user) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (user != null) {
      b.header("X-User", user);
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String user) throws Exception {
    return send(req(path, user).GET());
  }

  HttpResponse<String> post(String path, String user) throws Exception {
    return send(req(path, user).POST(HttpRequest.BodyPublishers.noBody()));
  }

  HttpResponse<String> delete(String path, String user) throws Exception {
    return send(req(path, user).DELETE());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static void assertError(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    JsonNode n = json(r);
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("error").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception", "\tat ");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  /** A raw answer is a JSON error with that status and a message containing {@code words}. */
  static void assertRawError(RawHttp.Answer a, int status, String words) throws Exception {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).startsWith("application/json");
    assertThat(a.header("X-Content-Type-Options")).isEqualTo("nosniff");
    JsonNode n = JSON.readTree(a.body());
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("error").asText()).contains(words);
    assertThat(a.body()).doesNotContain("Exception", "\tat ");
  }

  RawHttp.Answer raw(String requestLine, String... headersAndBody) throws Exception {
    StringBuilder b = new StringBuilder(requestLine).append("\r\nHost: localhost:" + port);
    b.append("\r\nConnection: close\r\nX-User: alice");
    String body = null;
    for (String h : headersAndBody) {
      if (h.startsWith("\n")) {
        body = h.substring(1);
      } else {
        b.append("\r\n").append(h);
      }
    }
    if (body != null) {
      b.append("\r\nContent-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length);
    }
    b.append("\r\n\r\n");
    byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] tail = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return RawHttp.send(port, all);
  }

  static List<String> ids(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("job_id").asText()));
    return out;
  }

  SseStream stream(String query, String user, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = req("/api/jobs/stream" + query, user).GET();
    headers.forEach(b::header);
    SseStream s = new SseStream(http, b.build());
    toClose.add(s);
    return s;
  }

  /** Status of each job-carrying default event, as "job_id:status". */
  static List<String> statuses(SseStream s) {
    List<String> out = new ArrayList<>();
    for (SseStream.Block b : s.events()) {
      if (b.event() == null) {
        JsonNode n = parse(b.data());
        out.add(n.get("job_id").asText() + ":" + n.get("status").asText());
      }
    }
    return out;
  }

  static JsonNode parse(String data) {
    try {
      return JSON.readTree(data);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + data, e);
    }
  }

  // ---------------------------------------------------------------- pass-through and routing

  @Test
  void requestsOutsideTheBasePathPassThrough() throws Exception {
    assertThat(get("/index.html", null).body()).isEqualTo("fallback /index.html");
    assertThat(get("/api/jobsx", null).body()).isEqualTo("fallback /api/jobsx");
    assertThat(get("/api", null).body()).isEqualTo("fallback /api");
  }

  @Test
  void unknownPathsUnderTheBaseAreJson404AndUnsignedCallersGet401() throws Exception {
    assertError(get("/api/jobs/a/b/c", "alice"), 404);
    assertError(get("/api/jobs", null), 401);
    assertError(get("/api/jobs/stream", null), 401);
  }

  // ---------------------------------------------------------------- fuzz

  /** Names of exception classes and stack frames: internals a client must never see. */
  static final Pattern LEAK =
      Pattern.compile(
          "[A-Za-z]+(Exception|Error)\\b|\\bat [a-z]+\\.[a-z.]+[A-Za-z$]+\\(|Caused by|jetty/|Tomcat/\\d");

  static final int FUZZ_RAW = 700;
  static final int FUZZ_CLIENT = 400;

  @Test
  void fuzzedRequestsGetJson4xxNever5xxAndLeakNoInternals() throws Exception {
    long seed = Long.getLong("jobqueue.fuzz.seed", System.nanoTime());
    List<String> ids = new ArrayList<>();
    ids.add(running("alice", "running").id());
    ids.add(completed("alice", "done").id());
    ids.add(tracked("bob", "bob's").id());
    Job failed =
        queue.submit(JobRequest.builder("flaky", "fails").userId("alice").maxAttempts(1).build());
    ids.add(failed.id());
    FuzzRequests fuzz = new FuzzRequests(seed, ids);
    List<String> problems = new ArrayList<>();
    int sent = 0;
    for (int i = 0; i < FUZZ_RAW + FUZZ_CLIENT && problems.size() < 10; i++) {
      boolean viaClient = i >= FUZZ_RAW;
      FuzzRequests.Fuzz f = fuzz.next(viaClient);
      String id = "f" + i;
      int status;
      String type;
      String body;
      if (viaClient) {
        HttpRequest.Builder b =
            HttpRequest.newBuilder(URI.create(base + f.target()))
                .timeout(Duration.ofSeconds(10))
                .header("X-Fuzz", id)
                .method(
                    f.method(),
                    f.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(f.body()));
        for (String[] h : f.headers()) {
          b.header(h[0], h[1]);
        }
        HttpResponse<java.io.InputStream> r;
        try {
          r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.io.IOException e) {
          // a pooled keep-alive connection the server closed after an earlier answer (413, an
          // ended stream): the client's race, not the server's. Once more on a new connection.
          try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
          } catch (java.io.IOException again) {
            problems.add(
                "client " + FuzzRequests.abbreviate(f.describe()) + ": no answer: " + again);
            continue;
          }
        }
        status = r.statusCode();
        type = r.headers().firstValue("Content-Type").orElse("");
        try (java.io.InputStream in = r.body()) {
          body =
              type.startsWith("text/event-stream")
                  ? "" // an open stream: its head is the answer
                  : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } else {
        RawHttp.Answer a = RawHttp.send(port, fuzz.raw(f, port, id));
        status = a.status();
        type = a.header("Content-Type") == null ? "" : a.header("Content-Type");
        body = a.body();
      }
      sent++;
      boolean ours =
          handedOver.contains(id)
              && !(!viaClient && fuzz.lastBodyUnreadable() && containerAnswersUnreadableBodies());
      String problem = fuzzProblem(f, ours, status, type, body);
      if (problem != null) {
        problems.add(
            (viaClient ? "client " : "raw ")
                + FuzzRequests.abbreviate(f.describe())
                + " -> "
                + status
                + " "
                + FuzzRequests.abbreviate(body)
                + ": "
                + problem);
      }
    }
    assertThat(problems)
        .as("fuzz on %s with seed %d (rerun with -Djobqueue.fuzz.seed=%d)", container, seed, seed)
        .isEmpty();
    assertThat(sent).isGreaterThanOrEqualTo(1000);
    assertThat(handedOver).as("most fuzz requests must reach the filter").hasSizeGreaterThan(800);

    // and it still answers normally
    Job after = running("alice", "after the fuzz");
    HttpResponse<String> list = get("/api/jobs?status=running", "alice");
    assertThat(list.statusCode()).as("seed %d", seed).isEqualTo(200);
    assertThat(list.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(ids(json(list))).contains(after.id());
    SseStream s = stream("?job_id=" + after.id(), "alice", Map.of());
    queue.tracker().complete(after.id(), Map.of());
    await().until(() -> statuses(s).contains(after.id() + ":completed"));
  }

  /** What is wrong with one fuzz answer, or null. */
  static String fuzzProblem(
      FuzzRequests.Fuzz f, boolean reachedFilter, int status, String type, String body) {
    if (status < 100) {
      return "no answer";
    }
    if (status >= 500) {
      return "a 5xx";
    }
    if (LEAK.matcher(body).find()) {
      return "internals in the body";
    }
    // java.net.http reads no body for "head" in any case, whatever the server sends
    if (!reachedFilter || f.method().equalsIgnoreCase("HEAD") || status == 304 || status == 204) {
      return null; // refused by the container itself, or no body by definition
    }
    if (status >= 400) {
      if (!type.startsWith("application/json")) {
        return "a 4xx that is not JSON";
      }
      try {
        JsonNode n = JSON.readTree(body);
        if (n.get("status").asInt() != status || n.get("error").asText().isBlank()) {
          return "a JSON error without the status and words";
        }
      } catch (Exception e) {
        return "an error body that is not JSON";
      }
    } else if (type.startsWith("application/json")) {
      try {
        JSON.readTree(body);
      } catch (Exception e) {
        return "a 2xx JSON body that does not parse";
      }
    }
    return null;
  }

  /** Passes everything to the filter and notes the {@code X-Fuzz} ids it was handed. */
  static final class Recording implements jakarta.servlet.Filter {
    private final jakarta.servlet.Filter delegate;
    private final Set<String> seen;

    Recording(jakarta.servlet.Filter delegate, Set<String> seen) {
      this.delegate = delegate;
      this.seen = seen;
    }

    @Override
    public void init(jakarta.servlet.FilterConfig config) throws jakarta.servlet.ServletException {
      delegate.init(config);
    }

    @Override
    public void doFilter(
        jakarta.servlet.ServletRequest req,
        jakarta.servlet.ServletResponse resp,
        jakarta.servlet.FilterChain chain)
        throws java.io.IOException, jakarta.servlet.ServletException {
      if (req instanceof jakarta.servlet.http.HttpServletRequest h
          && h.getHeader("X-Fuzz") != null) {
        seen.add(h.getHeader("X-Fuzz"));
      }
      delegate.doFilter(req, resp, chain);
    }

    @Override
    public void destroy() {
      delegate.destroy();
    }
  }

  // ---------------------------------------------------------------- list and get

  @Test
  void listShowsOnlyTheCallersJobsNewestFirstWithFilters() throws Exception {
    Job a1 = completed("alice", "first photo");
    Job a2 = running("alice", "second photo");
    Job a3 = tracked("alice", "third");
    Job b1 = running("bob", "bob's photo");

    HttpResponse<String> r = get("/api/jobs", "alice");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("application/json");
    assertThat(ids(json(r))).containsExactly(a3.id(), a2.id(), a1.id()).doesNotContain(b1.id());

    assertThat(ids(json(get("/api/jobs?status=running,queued", "alice"))))
        .containsExactly(a3.id(), a2.id());
    assertThat(ids(json(get("/api/jobs?status=completed", "alice")))).containsExactly(a1.id());
    assertThat(ids(json(get("/api/jobs?q=PHOTO", "alice")))).containsExactly(a2.id(), a1.id());
    assertThat(ids(json(get("/api/jobs?type=upload&limit=1", "alice")))).containsExactly(a3.id());
    assertThat(ids(json(get("/api/jobs?type=other", "alice")))).isEmpty();
    assertThat(ids(json(get("/api/jobs", "bob")))).containsExactly(b1.id());

    JsonNode first = json(get("/api/jobs?status=completed", "alice")).get(0);
    assertThat(first.get("result").get("url").asText()).isEqualTo("/files/" + a1.id());
    assertThat(first.get("completed_at").asText()).endsWith("Z");
    assertThat(first.has("input")).isFalse();
  }

  @Test
  void listRejectsBadParameters() throws Exception {
    assertError(get("/api/jobs?limit=0", "alice"), 400);
    assertError(get("/api/jobs?limit=1001", "alice"), 400);
    assertError(get("/api/jobs?limit=abc", "alice"), 400);
    HttpResponse<String> r = get("/api/jobs?status=running,done", "alice");
    assertError(r, 400);
    assertThat(json(r).get("error").asText()).contains("done");
    assertThat(get("/api/jobs?limit=1000", "alice").statusCode()).isEqualTo(200);
  }

  @Test
  void malformedQueriesConflictingParametersAndOddBodiesGetSpecific400s() throws Exception {
    for (String path : List.of("/api/jobs", "/api/jobs/export", "/api/jobs/stream")) {
      assertRawError(raw("GET " + path + "?q=%FF HTTP/1.1"), 400, "not percent-encoded UTF-8");
      assertRawError(raw("GET " + path + "?q=%G1 HTTP/1.1"), 400, "two hex digits");
      assertRawError(raw("GET " + path + "?status=running&q=a%2 HTTP/1.1"), 400, "two hex");
      assertRawError(
          raw("GET " + path + "?parent_job_id=a&parent_job_id=b HTTP/1.1"), 400, "given 2");
      assertRawError(raw("GET " + path + "?unused=%FF HTTP/1.1"), 400, "UTF-8");
    }
    assertRawError(raw("DELETE /api/jobs?status=completed%E2%82 HTTP/1.1"), 400, "UTF-8");
    assertRawError(raw("GET /api/jobs?limit=5&limit=6 HTTP/1.1"), 400, "limit is given 2");
    // a form body the JVM has no charset for is never parsed: the API takes no form bodies
    HttpResponse<String> form =
        send(
            req("/api/jobs", "alice")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=no-such-cs")
                .method("GET", HttpRequest.BodyPublishers.ofString("status=running")));
    assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
    Job j = tracked("alice", "to cancel");
    assertRawError(
        raw(
            "POST /api/jobs/" + j.id() + "/cancel HTTP/1.1",
            "Content-Type: application/x-www-form-urlencoded; charset=no-such-cs",
            "\nreason=x"),
        400,
        "malformed JSON body");
    assertThat(queue.get(j.id()).status()).isEqualTo(JobStatus.QUEUED);
    // JSON is UTF-8 whatever the Content-Type claims (RFC 8259): the unknown name is ignored
    RawHttp.Answer ok =
        raw(
            "POST /api/jobs/" + j.id() + "/cancel HTTP/1.1",
            "Content-Type: application/json; charset=no-such-cs",
            "\n{}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).get("status").asText()).isEqualTo("cancelled");
    // a body whose chunking is broken cannot be read: a JSON 400, on Tomcat too
    Job other = tracked("alice", "other");
    RawHttp.Answer chunks =
        RawHttp.send(
            port,
            ("POST /api/jobs/"
                    + other.id()
                    + "/cancel HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-User: alice\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\n{}\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    if (containerAnswersUnreadableBodies()) {
      assertThat(chunks.status()).isEqualTo(400);
      assertThat(chunks.body()).doesNotContain("Exception", "Tomcat/");
    } else {
      assertRawError(chunks, 400, "could not be read");
    }
    assertThat(queue.get(other.id()).status()).isEqualTo(JobStatus.QUEUED);
    // query parameters decode '+' and UTF-8 escapes
    Job accented = tracked("alice", "café photo");
    assertThat(ids(json(get("/api/jobs?q=caf%C3%A9+photo", "alice"))))
        .containsExactly(accented.id());
  }

  @Test
  void getAnswersTheJobAndAnotherUsersJobIsNotFound() throws Exception {
    Job a = running("alice", "mine");
    Job b = running("bob", "not mine");
    JsonNode n = json(get("/api/jobs/" + a.id(), "alice"));
    assertThat(n.get("job_id").asText()).isEqualTo(a.id());
    assertThat(n.get("status").asText()).isEqualTo("running");
    assertThat(n.get("user_id").asText()).isEqualTo("alice");
    assertError(get("/api/jobs/" + b.id(), "alice"), 404);
    assertError(get("/api/jobs/no-such-job", "alice"), 404);
  }

  // ---------------------------------------------------------------- cancel, retry, delete

  @Test
  void cancelAnswersTheJobOr409AndChecksMethodBodyAndUser() throws Exception {
    Job queued = tracked("alice", "to cancel");
    HttpResponse<String> r = post("/api/jobs/" + queued.id() + "/cancel", "alice");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("cancelled");
    assertError(post("/api/jobs/" + queued.id() + "/cancel", "alice"), 409);

    Job fixed =
        queue
            .tracker()
            .create(
                JobRequest.builder("upload", "fixed").userId("alice").cancelable(false).build());
    assertError(post("/api/jobs/" + fixed.id() + "/cancel", "alice"), 409);

    Job bobs = tracked("bob", "bob's");
    assertError(post("/api/jobs/" + bobs.id() + "/cancel", "alice"), 404);
    assertThat(queue.get(bobs.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertError(post("/api/jobs/nope/cancel", "alice"), 404);

    HttpResponse<String> wrong = get("/api/jobs/" + fixed.id() + "/cancel", "alice");
    assertError(wrong, 405);
    assertThat(wrong.headers().firstValue("Allow")).contains("POST");

    Job other = tracked("alice", "other");
    assertError(
        send(
            req("/api/jobs/" + other.id() + "/cancel", "alice")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json"))),
        400);
    HttpResponse<String> tooLarge =
        send(
            req("/api/jobs/" + other.id() + "/cancel", "alice")
                .POST(HttpRequest.BodyPublishers.ofString("{\"x\":\"" + "a".repeat(2000) + "\"}")));
    assertError(tooLarge, 413);
    // the rest of the body is unread: the next request must not be sent on this connection
    assertThat(tooLarge.headers().firstValue("Connection")).contains("close");
    assertThat(queue.get(other.id()).status()).isEqualTo(JobStatus.QUEUED);
    HttpResponse<String> withBody =
        send(
            req("/api/jobs/" + other.id() + "/cancel", "alice")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"user\"}")));
    assertThat(withBody.statusCode()).isEqualTo(200);
  }

  @Test
  void cancellingARunningJobShowsCancelRequestedInTheAnswerAndTheStream() throws Exception {
    Job job = queue.submit(JobRequest.builder("hold", "long work").userId("alice").build());
    await().until(() -> queue.get(job.id()).status() == JobStatus.RUNNING);
    SseStream s = stream("?job_id=" + job.id(), "alice", Map.of());
    await().until(() -> statuses(s).contains(job.id() + ":running"));
    assertThat(parse(s.events().get(0).data()).get("cancel_requested").asBoolean()).isFalse();

    HttpResponse<String> r = post("/api/jobs/" + job.id() + "/cancel", "alice");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("running");
    assertThat(json(r).get("cancel_requested").asBoolean()).isTrue();
    await()
        .until(
            () ->
                s.events().stream()
                    .map(b -> parse(b.data()))
                    .anyMatch(
                        n ->
                            n.get("status").asText().equals("running")
                                && n.get("cancel_requested").asBoolean()));
    assertThat(json(get("/api/jobs/" + job.id(), "alice")).get("cancel_requested").asBoolean())
        .isTrue();

    release.countDown();
    await().until(() -> statuses(s).contains(job.id() + ":cancelled"));
  }

  @Test
  void retryRequeuesFailedJobsOnly() throws Exception {
    Job j = queue.submit(JobRequest.builder("flaky", "flaky").userId("alice").build());
    assertThat(queue.await(j.id(), Duration.ofSeconds(5)).status()).isEqualTo(JobStatus.FAILED);
    HttpResponse<String> r = post("/api/jobs/" + j.id() + "/retry", "alice");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(json(r).get("status").asText()).isEqualTo("queued");
    assertThat(json(r).get("attempt").asInt()).isEqualTo(2);
    Job done = completed("alice", "done");
    assertError(post("/api/jobs/" + done.id() + "/retry", "alice"), 409);
    assertError(post("/api/jobs/" + running("alice", "busy").id() + "/retry", "alice"), 409);
    Job bobs = queue.submit(JobRequest.builder("flaky", "b").userId("bob").build());
    queue.await(bobs.id(), Duration.ofSeconds(5));
    assertError(post("/api/jobs/" + bobs.id() + "/retry", "alice"), 404);
    assertThat(queue.get(bobs.id()).status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void deleteRemovesFinishedJobsAndRefusesActiveOnes() throws Exception {
    Job done = completed("alice", "done");
    Job active = running("alice", "busy");
    Job bobs = completed("bob", "bob's");
    HttpResponse<String> r = delete("/api/jobs/" + done.id(), "alice");
    assertThat(r.statusCode()).isEqualTo(204);
    assertError(get("/api/jobs/" + done.id(), "alice"), 404);
    assertError(delete("/api/jobs/" + active.id(), "alice"), 409);
    assertError(delete("/api/jobs/" + bobs.id(), "alice"), 404);
    assertThat(queue.find(bobs.id())).isPresent();
    HttpResponse<String> put =
        send(req("/api/jobs/" + active.id(), "alice").PUT(HttpRequest.BodyPublishers.noBody()));
    assertError(put, 405);
    assertThat(put.headers().firstValue("Allow")).contains("GET, DELETE");
  }

  @Test
  void clearCompletedDeletesOnlyTheCallersCompletedJobs() throws Exception {
    completed("alice", "a1");
    completed("alice", "a2");
    Job aRunning = running("alice", "a3");
    Job bDone = completed("bob", "b1");
    HttpResponse<String> r = delete("/api/jobs?status=completed", "alice");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("deleted").asInt()).isEqualTo(2);
    assertThat(ids(json(get("/api/jobs", "alice")))).containsExactly(aRunning.id());
    assertThat(queue.find(bDone.id())).isPresent();
    assertError(delete("/api/jobs", "alice"), 400);
    assertError(delete("/api/jobs?status=running", "alice"), 400);
    HttpResponse<String> post = post("/api/jobs", "alice");
    assertError(post, 405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, DELETE");
  }

  // ---------------------------------------------------------------- stats and export

  @Test
  void statsCountTheCallersJobs() throws Exception {
    completed("alice", "a1");
    running("alice", "a2");
    completed("bob", "b1");
    HttpResponse<String> r = get("/api/jobs/stats", "alice");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.at("/by_status/completed").asInt()).isEqualTo(1);
    assertThat(n.at("/by_status/running").asInt()).isEqualTo(1);
    assertThat(n.at("/total").asInt()).isEqualTo(2);
    assertThat(n.at("/by_type/upload/completed").asInt()).isEqualTo(1);
    assertThat(n.at("/durations/run_seconds").has("p95")).isTrue();
    assertThat(n.at("/throughput").has("completed_per_minute")).isTrue();
    assertError(post("/api/jobs/stats", "alice"), 405);
  }

  @Test
  void schedulesListsTheCallersRecurringSchedulesReadOnly() throws Exception {
    queue.schedule(
        "alice-nightly",
        dev.jobqueue.Schedule.cron("0 3 * * *", java.time.ZoneId.of("Europe/Berlin")),
        JobRequest.builder("work", "Nightly <b>report</b>").userId("alice").build());
    queue.schedule(
        "bob-often",
        dev.jobqueue.Schedule.every(java.time.Duration.ofMinutes(5)),
        JobRequest.builder("work", "Bob's").userId("bob").build());
    HttpResponse<String> r = get("/api/jobs/schedules", "alice");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode n = json(r);
    assertThat(n.size()).isEqualTo(1);
    assertThat(n.at("/0/schedule_id").asText()).isEqualTo("alice-nightly");
    assertThat(n.at("/0/schedule").asText()).isEqualTo("cron Europe/Berlin 0 3 * * *");
    assertThat(n.at("/0/title").asText()).isEqualTo("Nightly <b>report</b>");
    assertThat(n.at("/0/type").asText()).isEqualTo("work");
    assertThat(n.at("/0/paused").asBoolean()).isFalse();
    assertThat(n.at("/0/next_run_at").asText()).endsWith("Z");
    assertThat(n.at("/0/last_run_at").isNull()).isTrue();
    assertError(post("/api/jobs/schedules", "alice"), 405);
  }

  @Test
  void exportIsADownloadInJsonOrCsv() throws Exception {
    Job a = completed("alice", "=cmd|' /C calc'!A0");
    completed("bob", "bob's");
    HttpResponse<String> j = get("/api/jobs/export?format=json", "alice");
    assertThat(j.statusCode()).isEqualTo(200);
    assertThat(j.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(j.headers().firstValue("Content-Disposition"))
        .get()
        .asString()
        .startsWith("attachment; filename=\"jobs-")
        .endsWith(".json\"");
    assertThat(ids(json(j))).containsExactly(a.id());
    assertThat(json(j).get(0).get("result").get("url").asText()).isEqualTo("/files/" + a.id());

    HttpResponse<String> c = get("/api/jobs/export?format=csv&status=completed", "alice");
    assertThat(c.statusCode()).isEqualTo(200);
    assertThat(c.headers().firstValue("Content-Type")).get().asString().startsWith("text/csv");
    assertThat(c.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(c.headers().firstValue("Content-Disposition"))
        .get()
        .asString()
        .startsWith("attachment;")
        .endsWith(".csv\"");
    String[] lines = c.body().split("\r\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("job_id,type,status,");
    assertThat(lines[1])
        .startsWith(a.id() + ",upload,completed,")
        .contains(",'=cmd|' /C calc'!A0,")
        .contains("\"{\"\"url\"\":\"\"/files/" + a.id() + "\"\"}\"")
        .doesNotContain("bob");
    assertError(get("/api/jobs/export?format=xml", "alice"), 400);
    assertError(get("/api/jobs/export?status=nope", "alice"), 400);
  }

  // ---------------------------------------------------------------- security

  @Test
  void crossOriginMutationsAreRefusedSameOriginAndAllowListedPass() throws Exception {
    Job j1 = tracked("alice", "one");
    HttpResponse<String> evil =
        send(
            req("/api/jobs/" + j1.id() + "/cancel", "alice")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertError(evil, 403);
    assertThat(queue.get(j1.id()).status()).isEqualTo(JobStatus.QUEUED);
    Job done = completed("alice", "done");
    assertError(
        send(req("/api/jobs/" + done.id(), "alice").header("Origin", "null").DELETE()), 403);
    assertError(
        send(
            req("/api/jobs?status=completed", "alice")
                .header("Origin", "http://localhost:" + (port + 1))
                .DELETE()),
        403);
    assertThat(queue.find(done.id())).isPresent();

    HttpResponse<String> own =
        send(
            req("/api/jobs/" + j1.id() + "/cancel", "alice")
                .header("Origin", "http://localhost:" + port)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(own.statusCode()).isEqualTo(200);
    Job j2 = tracked("alice", "two");
    HttpResponse<String> allowed =
        send(
            req("/api/jobs/" + j2.id() + "/cancel", "alice")
                .header("Origin", "https://allowed.example")
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://allowed.example");
    // reads from another origin are not state-changing: answered (the browser hides them)
    assertThat(
            send(req("/api/jobs", "alice").header("Origin", "https://evil.example").GET())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void inputIsNotExposedByDefault() throws Exception {
    Job j =
        queue
            .tracker()
            .create(
                JobRequest.builder("upload", "with a secret")
                    .userId("alice")
                    .input(Map.of("api_key", "k-123"))
                    .build());
    assertThat(get("/api/jobs/" + j.id(), "alice").body()).doesNotContain("k-123", "\"input\"");
    assertThat(get("/api/jobs/export?format=csv", "alice").body()).doesNotContain("k-123");
  }

  // ---------------------------------------------------------------- widget files

  @Test
  void widgetFilesAreServedWithTypeAndEtagAndNothingElseIsReachable() throws Exception {
    HttpResponse<String> r = get("/api/jobs/ui/test-fixture.css", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("text/css");
    assertThat(r.body()).contains(".jq-test");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertThat(r.headers().firstValue("Cache-Control")).isPresent();
    HttpResponse<String> again =
        send(req("/api/jobs/ui/test-fixture.css", null).header("If-None-Match", etag).GET());
    assertThat(again.statusCode()).isEqualTo(304);
    assertError(get("/api/jobs/ui/missing.js", null), 404);
    for (String evil :
        List.of(
            "/api/jobs/ui/..%2F..%2Fsimplelogger.properties",
            "/api/jobs/ui/%2e%2e", "/api/jobs/ui/.%2e/simplelogger.properties")) {
      HttpResponse<String> t = get(evil, null);
      assertThat(t.statusCode()).as(evil).isIn(400, 401, 404); // 401: normalised to a job id
      assertThat(t.body()).doesNotContain("simpleLogger");
    }
    assertError(post("/api/jobs/ui/test-fixture.css", null), 405);
  }

  // ---------------------------------------------------------------- SSE

  @Test
  void streamFramingMatchesTheWireFormatLineByLine() throws Exception {
    Job existing = running("alice", "already running");
    completed("bob", "bob's");
    SseStream s = stream("", "alice", Map.of());
    assertThat(s.response.statusCode()).isEqualTo(200);
    assertThat(s.response.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/event-stream");
    assertThat(s.response.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(s.response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

    // first the retry hint, then the snapshot entry whose id is the resume point
    await().until(() -> s.lines.size() >= 5);
    assertThat(s.lines.get(0)).isEqualTo("retry: 3000");
    assertThat(s.lines.get(1)).isEmpty();
    assertThat(s.lines.get(2)).matches("id: \\d+");
    assertThat(s.lines.get(3)).startsWith("data: {\"job_id\":\"" + existing.id() + "\"");
    assertThat(s.lines.get(4)).isEmpty();

    Job done = queue.tracker().complete(existing.id(), Map.of("n", 1));
    Job created = tracked("alice", "new one");
    queue.tracker().create(JobRequest.builder("upload", "bob's new").userId("bob").build());
    queue.cancel(created.id());
    queue.delete(created.id());
    await().until(() -> s.lines.stream().anyMatch(l -> l.equals("event: deleted")));

    int i =
        s.lines.indexOf(
            "data: "
                + new String(
                    new dev.jobqueue.servlet.internal.JobJson(false).toBytes(done),
                    StandardCharsets.UTF_8));
    assertThat(i).as("completed event as one data line: %s", s.lines).isGreaterThan(0);
    assertThat(s.lines.get(i - 1)).matches("id: \\d+");
    assertThat(s.lines.get(i + 1)).isEmpty();
    int d = s.lines.indexOf("event: deleted");
    assertThat(s.lines.get(d - 1)).matches("id: \\d+");
    assertThat(s.lines.get(d + 1)).isEqualTo("data: {\"job_id\":\"" + created.id() + "\"}");
    assertThat(s.lines.get(d + 2)).isEmpty();

    // the seed snippet: every default event's data is one job's JSON
    for (SseStream.Block b : s.events()) {
      if (b.event() == null) {
        JsonNode job = parse(b.data());
        assertThat(job.get("job_id").isTextual()).isTrue();
        assertThat(job.get("user_id").asText()).isEqualTo("alice");
      }
    }
    assertThat(statuses(s))
        .containsSubsequence(
            existing.id() + ":running",
            existing.id() + ":completed",
            created.id() + ":queued",
            created.id() + ":cancelled");
    // ids increase
    List<Long> ids =
        s.blocks().stream().filter(b -> b.id() != null).map(b -> Long.parseLong(b.id())).toList();
    assertThat(ids).isSorted();
    // heartbeats are comments
    await().until(() -> s.lines.contains(": heartbeat"));
    assertThat(s.lines).noneMatch(l -> l.contains("bob"));
  }

  @Test
  void streamFiltersByStatusJobAndParentAndTellsWhenAJobLeavesTheFilter() throws Exception {
    Job queued = tracked("alice", "waiting");
    Job run = running("alice", "running");
    SseStream byStatus = stream("?status=running", "alice", Map.of());
    SseStream byJob = stream("?job_id=" + queued.id(), "alice", Map.of());
    await()
        .until(
            () ->
                statuses(byStatus).contains(run.id() + ":running")
                    && statuses(byJob).contains(queued.id() + ":queued"));
    queue.tracker().complete(run.id(), null);
    queue.tracker().start(queued.id());
    await()
        .until(
            () ->
                statuses(byStatus).contains(queued.id() + ":running")
                    && statuses(byJob).contains(queued.id() + ":running"));
    assertThat(statuses(byStatus))
        .containsExactly(run.id() + ":running", run.id() + ":completed", queued.id() + ":running");
    assertThat(statuses(byJob)).containsExactly(queued.id() + ":queued", queued.id() + ":running");

    Job parent =
        queue.tracker().create(JobRequest.builder("batch", "batch").userId("alice").build());
    SseStream byParent = stream("?parent_job_id=" + parent.id(), "alice", Map.of());
    Job child =
        queue
            .tracker()
            .create(
                JobRequest.builder("upload", "child").userId("alice").parent(parent.id()).build());
    tracked("alice", "unrelated");
    await().until(() -> statuses(byParent).contains(child.id() + ":queued"));
    assertThat(statuses(byParent)).allMatch(s -> s.startsWith(child.id()));

    Job bobs = running("bob", "b");
    assertError(get("/api/jobs/stream?job_id=" + bobs.id(), "alice"), 404);
    assertError(get("/api/jobs/stream?status=bogus", "alice"), 400);
    assertError(post("/api/jobs/stream", "alice"), 405);
  }

  @Test
  void reconnectWithLastEventIdGetsEachMissedStatusChangeExactlyOnce() throws Exception {
    Job a = tracked("alice", "a");
    Job b = tracked("alice", "b");
    SseStream first = stream("", "alice", Map.of());
    Job c = tracked("alice", "c");
    await().until(() -> statuses(first).contains(c.id() + ":queued"));
    String lastId =
        first.blocks().stream().filter(x -> x.id() != null).reduce((x, y) -> y).orElseThrow().id();
    first.close();
    await().until(() -> filter.openConnections() == 0);

    // missed while away: several status changes, progress, one job of another user
    queue.tracker().start(a.id());
    queue.tracker().progress(a.id(), 0.5, "half");
    queue.tracker().complete(a.id(), null);
    queue.tracker().start(b.id());
    queue.tracker().fail(b.id(), "broken");
    running("bob", "bob's");
    queue.cancel(c.id());

    SseStream resumed = stream("", "alice", Map.of("Last-Event-ID", lastId));
    Job d = tracked("alice", "after");
    await().until(() -> statuses(resumed).contains(d.id() + ":queued"));
    List<String> got = statuses(resumed);
    assertThat(got)
        .containsSubsequence(
            a.id() + ":running",
            a.id() + ":completed",
            b.id() + ":running",
            b.id() + ":failed",
            c.id() + ":cancelled",
            d.id() + ":queued");
    // each status change exactly once (a's progress update also reads "running"), no snapshot
    assertThat(got).filteredOn(s -> s.equals(b.id() + ":running")).hasSize(1);
    assertThat(got).filteredOn(s -> s.equals(a.id() + ":completed")).hasSize(1);
    assertThat(got).filteredOn(s -> s.equals(b.id() + ":failed")).hasSize(1);
    assertThat(got).filteredOn(s -> s.equals(c.id() + ":cancelled")).hasSize(1);
    assertThat(got).noneMatch(s -> s.endsWith(":queued") && !s.startsWith(d.id()));
    assertThat(resumed.blocks()).noneMatch(x -> "reset".equals(x.event()));
    assertThat(String.join("\n", resumed.lines)).doesNotContain("bob");

    // the query parameter works where headers cannot be set
    SseStream byParam = stream("?lastEventId=" + lastId, "alice", Map.of());
    await().until(() -> statuses(byParam).contains(c.id() + ":cancelled"));
    assertThat(statuses(byParam)).filteredOn(s -> s.equals(b.id() + ":failed")).hasSize(1);
  }

  @Test
  void unknownOrTooOldLastEventIdGetsAResetAndTheFullState() throws Exception {
    Job a = running("alice", "a");
    SseStream s = stream("", "alice", Map.of("Last-Event-ID", "999999999"));
    await().until(() -> statuses(s).contains(a.id() + ":running"));
    assertThat(s.events().get(0).event()).isEqualTo("reset");
    assertThat(parse(s.events().get(0).data()).get("reason").asText()).contains("999999999");

    // push the client's id out of the ring (1000 events)
    Job old = tracked("alice", "old");
    SseStream before = stream("", "alice", Map.of());
    await()
        .until(
            () ->
                !before.blocks().isEmpty()
                    && before.blocks().stream().anyMatch(x -> x.id() != null));
    String oldId = before.blocks().stream().filter(x -> x.id() != null).findFirst().get().id();
    // status events of another user: never coalesced, so they surely fill the ring
    for (int i = 0; i < 1010; i++) {
      tracked("bob", "filler " + i);
    }
    Job marker = tracked("alice", "marker"); // once it arrives, the hub has seen the fillers
    await().until(() -> statuses(before).contains(marker.id() + ":queued"));
    SseStream tooOld = stream("", "alice", Map.of("Last-Event-ID", oldId));
    await()
        .untilAsserted(
            () ->
                assertThat(statuses(tooOld)).as("%s", tooOld.lines).contains(old.id() + ":queued"));
    assertThat(tooOld.events().get(0).event()).isEqualTo("reset");
  }

  @Test
  void aClientThatStopsReadingDelaysNeitherOtherClientsNorWorkers() throws Exception {
    JobQueueFilter patient =
        JobQueueFilter.builder(queue)
            .userResolver(req -> req.getHeader("X-User"))
            .heartbeat(PATIENT_HEARTBEAT)
            .clientBuffer(16)
            .build();
    ServletContainer other = newContainer();
    toClose.add(
        () -> {
          other.close();
          patient.destroy();
        });
    int otherPort = other.start(patient);
    // A raw socket with a tiny receive window that never reads: the server's writes to it
    // stop at once. (java.net.http buffers on its own, so it cannot model this precisely.)
    Socket stuck = new Socket();
    stuck.setReceiveBufferSize(4096);
    stuck.connect(new java.net.InetSocketAddress("localhost", otherPort));
    toClose.add(stuck);
    OutputStream o = stuck.getOutputStream();
    o.write(
        ("GET /api/jobs/stream HTTP/1.1\r\nHost: localhost:"
                + otherPort
                + "\r\nX-User: alice\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    o.flush();
    SseStream reader =
        new SseStream(
            http,
            HttpRequest.newBuilder(URI.create("http://localhost:" + otherPort + "/api/jobs/stream"))
                .header("X-User", "alice")
                .build());
    toClose.add(reader);
    await().until(() -> patient.openConnections() == 2);

    // 60 × 200 KB, far beyond the socket buffers; each event must still reach the reading
    // client promptly, and jobs keep running at full speed meanwhile.
    String big = "x".repeat(200_000);
    List<Job> work = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Job j = running("alice", "big " + i);
      queue.tracker().complete(j.id(), Map.of("blob", big));
      work.add(queue.submit(JobRequest.builder("work", "w" + i).userId("alice").build()));
      // without the fix, the event would wait behind the stuck client until it is dropped
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statuses(reader).contains(j.id() + ":completed"));
    }
    for (Job w : work) {
      assertThat(queue.await(w.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
    await().until(() -> patient.droppedClients() == 1);
    await().until(() -> patient.openConnections() == 1);
    assertThat(reader.ended()).isFalse();
  }

  @Test
  void aStuckClientDoesNotHoldBackBroadcastEventsToOthersAndIdsKeepIncreasing() throws Exception {
    // Everyone watches every job (no user resolver). One client never reads; two do. Events are
    // broadcast in waves, each waiting only for the reading clients; the stuck one overflows
    // its buffer and is dropped while the others get every status change, in id order.
    JobQueueFilter wide =
        JobQueueFilter.builder(queue)
            .sharedViewForAllCallers()
            .heartbeat(PATIENT_HEARTBEAT)
            .clientBuffer(64)
            .build();
    ServletContainer other = newContainer();
    toClose.add(
        () -> {
          other.close();
          wide.destroy();
        });
    int otherPort = other.start(wide);
    Socket stuck = new Socket();
    stuck.setReceiveBufferSize(4096);
    stuck.connect(new java.net.InetSocketAddress("localhost", otherPort));
    toClose.add(stuck);
    stuck
        .getOutputStream()
        .write(
            ("GET /api/jobs/stream HTTP/1.1\r\nHost: localhost:"
                    + otherPort
                    + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    URI uri = URI.create("http://localhost:" + otherPort + "/api/jobs/stream");
    List<SseStream> readers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      SseStream r = new SseStream(http, HttpRequest.newBuilder(uri).build());
      toClose.add(r);
      readers.add(r);
    }
    await().until(() -> wide.openConnections() == 3);

    String blob = "y".repeat(100_000); // a few waves fill the stuck client's socket buffers
    List<String> expected = new ArrayList<>();
    for (int wave = 0; wave < 20; wave++) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Job j = running(null, "wave " + wave + " job " + i);
        queue.tracker().progress(j.id(), 0.5, "half");
        queue.tracker().complete(j.id(), Map.of("blob", blob));
        ids.add(j.id());
        expected.add(j.id() + ":queued");
        expected.add(j.id() + ":running");
        expected.add(j.id() + ":completed");
      }
      String last = ids.get(ids.size() - 1) + ":completed";
      for (SseStream r : readers) {
        await().atMost(Duration.ofSeconds(15)).until(() -> statuses(r).contains(last));
      }
    }
    await().until(() -> wide.droppedClients() == 1);
    await().until(() -> wide.openConnections() == 2);
    for (SseStream r : readers) {
      assertThat(r.ended()).isFalse();
      List<String> seen = statuses(r);
      // every status change exactly once, in order (progress may be coalesced away)
      List<String> statusChanges = new ArrayList<>();
      String previous = null;
      for (String s : seen) {
        if (!s.equals(previous)) {
          statusChanges.add(s);
        }
        previous = s;
      }
      assertThat(statusChanges).containsExactlyElementsOf(expected);
      long lastId = -1;
      for (SseStream.Block b : r.events()) {
        if (b.id() != null) {
          assertThat(Long.parseLong(b.id())).isGreaterThan(lastId);
          lastId = Long.parseLong(b.id());
        }
      }
    }
  }

  @Test
  void destroyStopsTheWriterThreads() throws Exception {
    SseStream s = stream("", "alice", Map.of());
    Job j = completed("alice", "written by a writer thread");
    await().until(() -> statuses(s).contains(j.id() + ":completed"));
    assertThat(sseThreads.names()).isNotEmpty();
    filter.destroy();
    // the pool is shut down and awaited by destroy(): nothing is left running
    assertThat(sseThreads.names()).isEmpty();
    await().until(s::ended);
  }

  @Test
  void closedClientsAreReleasedAndTheCountReturnsToZero() throws Exception {
    List<SseStream> streams = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      streams.add(stream("", i % 2 == 0 ? "alice" : "bob", Map.of()));
    }
    await().until(() -> filter.openConnections() == 5);
    streams.forEach(SseStream::close);
    await().until(() -> filter.openConnections() == 0);
    // events after the clients left go nowhere and break nothing
    completed("alice", "after");
    assertThat(filter.openConnections()).isZero();
  }

  @Test
  void destroyEndsEveryStream() throws Exception {
    SseStream s = stream("", "alice", Map.of());
    await().until(() -> filter.openConnections() == 1);
    filter.destroy();
    await().until(s::ended);
    assertThat(filter.openConnections()).isZero();
  }

  @Test
  void streamsPastTheCapGet503WithRetryAfter() throws Exception {
    JobQueueFilter capped =
        JobQueueFilter.builder(queue)
            .sharedViewForAllCallers()
            .maxConnections(1)
            .heartbeat(HEARTBEAT)
            .build();
    ServletContainer other = newContainer();
    toClose.add(
        () -> {
          other.close();
          capped.destroy();
        });
    int otherPort = other.start(capped);
    URI uri = URI.create("http://localhost:" + otherPort + "/api/jobs/stream");
    SseStream one = new SseStream(http, HttpRequest.newBuilder(uri).build());
    toClose.add(one);
    await().until(() -> capped.openConnections() == 1);
    HttpResponse<String> two =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertError(two, 503);
    assertThat(two.headers().firstValue("Retry-After")).isPresent();
    one.close();
    await().until(() -> capped.openConnections() == 0);
    SseStream three = new SseStream(http, HttpRequest.newBuilder(uri).build());
    toClose.add(three);
    assertThat(three.response.statusCode()).isEqualTo(200);
  }
}
