package dev.jobqueue.servlet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Random requests to every endpoint of the filter, reproducible from a seed: well-formed ones and
 * the malformed kinds clients and attackers send (bad escapes, unknown charsets, conflicting
 * parameters, huge values, odd methods, bodies where none belong, broken chunking).
 */
final class FuzzRequests {
  /** One request: what the HTTP client needs, and the same as raw bytes. */
  record Fuzz(String method, String target, List<String[]> headers, byte[] body, boolean uriSafe) {
    String describe() {
      StringBuilder b = new StringBuilder(method).append(' ').append(target);
      for (String[] h : headers) {
        b.append(" | ").append(h[0]).append(": ").append(abbreviate(h[1]));
      }
      if (body != null) {
        b.append(" | body ").append(body.length).append(" bytes: ");
        b.append(abbreviate(new String(body, StandardCharsets.ISO_8859_1)));
      }
      return b.toString();
    }
  }

  static final List<String> METHODS =
      List.of(
          "GET", "GET", "GET", "POST", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "FOO");
  static final List<String> PARAMS =
      List.of(
          "status", "limit", "type", "parent_job_id", "q", "job_id", "format", "lastEventId", "x");
  static final List<String> VALUES =
      List.of(
          "running",
          "completed,failed",
          "queued,done",
          "10",
          "0",
          "-1",
          "99999999999999",
          "abc",
          "json",
          "csv",
          "xml",
          "",
          "%FF",
          "%G1",
          "%",
          "%E2%82",
          "%C3%A9",
          "a+b",
          "%00",
          "%0D%0A",
          "%3Cscript%3E",
          "%25",
          "nope");
  static final List<String> CONTENT_TYPES =
      List.of(
          "application/json",
          "application/json; charset=utf-8",
          "application/json; charset=no-such-charset",
          "application/x-www-form-urlencoded",
          "application/x-www-form-urlencoded; charset=no-such-charset",
          "application/x-www-form-urlencoded; charset=\"",
          "multipart/form-data",
          "multipart/form-data; boundary=xyz",
          "text/plain; charset=utf-16",
          ";;;",
          "");
  static final List<String> BODIES =
      List.of(
          "{}",
          "{\"reason\":\"x\"}",
          "{not json",
          "[]",
          "null",
          "status=running&limit=%FF",
          "--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--xy",
          "\u00ff\u00fe\u0000",
          "   ");

  private final Random random;
  private final List<String> jobIds;
  private boolean lastBodyUnreadable;

  FuzzRequests(long seed, List<String> jobIds) {
    this.random = new Random(seed);
    this.jobIds = jobIds;
  }

  /** The next request; {@code uriSafe} ones are also valid for java.net.URI (the HTTP client). */
  Fuzz next(boolean uriSafe) {
    String method = pick(METHODS);
    if (random.nextInt(20) == 0) {
      method = method.toLowerCase(); // methods are case-sensitive: "get" is unknown
    }
    String path = "/api/jobs" + path();
    String query = query(uriSafe);
    String target = query.isEmpty() ? path : path + "?" + query;
    List<String[]> headers = new java.util.ArrayList<>();
    int user = random.nextInt(10);
    if (user < 6) {
      headers.add(new String[] {"X-User", "alice"});
    } else if (user < 8) {
      headers.add(new String[] {"X-User", "bob"});
    } else if (user == 8) {
      headers.add(new String[] {"X-User", "x".repeat(1 + random.nextInt(3000))});
    }
    if (random.nextInt(4) == 0) {
      headers.add(new String[] {"Content-Type", pick(CONTENT_TYPES)});
    }
    if (random.nextInt(6) == 0) {
      headers.add(
          new String[] {
            "Origin", pick(List.of("https://evil.example", "https://allowed.example", "null"))
          });
    }
    if (random.nextInt(8) == 0) {
      headers.add(new String[] {"Last-Event-ID", pick(List.of("1", "-5", "abc", "999999999999"))});
    }
    if (random.nextInt(10) == 0) {
      headers.add(new String[] {"If-None-Match", pick(List.of("*", "\"x\"", ""))});
    }
    if (method.equals("OPTIONS") && random.nextBoolean()) {
      headers.add(new String[] {"Access-Control-Request-Method", "POST"});
    }
    byte[] body = null;
    int b = random.nextInt(10);
    if (b < 3) {
      body = pick(BODIES).getBytes(StandardCharsets.ISO_8859_1);
    } else if (b == 3) {
      body = "{\"x\":\"".concat("a".repeat(500 + random.nextInt(4000))).concat("\"}").getBytes();
    }
    return new Fuzz(method, target, headers, body, uriSafe);
  }

  private String path() {
    String id = jobIds.isEmpty() || random.nextInt(5) == 0 ? "unknown" : pick(jobIds);
    return switch (random.nextInt(16)) {
      case 0 -> "";
      case 1 -> "/";
      case 2 -> "/stats";
      case 3 -> "/export";
      case 4 -> "/stream";
      case 5, 6 -> "/" + id;
      case 7, 8 -> "/" + id + "/cancel";
      case 9 -> "/" + id + "/retry";
      case 10 -> "/ui/task-manager.js";
      case 11 -> "/ui/" + pick(List.of("..%2Fx", "%2e%2e", "missing.js", ".hidden", "a%20b"));
      case 12 -> "/" + id + "/" + pick(List.of("logs", "x", "cancel/more"));
      case 13 -> "/types/work/pause";
      case 14 -> "/" + pick(List.of("%FF", "%C3%A9", "a%2Fb", "%2e", "x".repeat(300)));
      default -> "/stats/extra";
    };
  }

  private String query(boolean uriSafe) {
    int n = random.nextInt(5);
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (q.length() > 0) {
        q.append('&');
      }
      String name = pick(PARAMS);
      String value = pick(VALUES);
      if (random.nextInt(15) == 0) {
        value = "v".repeat(1000 + random.nextInt(3000)); // huge, still under header limits
      }
      q.append(name).append('=').append(uriSafe ? uriSafe(value) : value);
      if (random.nextInt(6) == 0) {
        String again = pick(VALUES);
        q.append('&').append(name).append('=').append(uriSafe ? uriSafe(again) : again);
      }
    }
    return q.toString();
  }

  /** java.net.URI refuses malformed escapes; %FF is valid URI syntax (but not UTF-8). */
  private static String uriSafe(String value) {
    return value.equals("%G1") || value.equals("%") ? "%FF" : value;
  }

  /** The request as bytes on the wire, sometimes with broken chunking instead of a length. */
  byte[] raw(Fuzz f, int port, String fuzzId) {
    StringBuilder head = new StringBuilder();
    head.append(f.method()).append(' ').append(f.target()).append(" HTTP/1.1\r\n");
    head.append("Host: localhost:").append(port).append("\r\n");
    head.append("Connection: close\r\n");
    head.append("X-Fuzz: ").append(fuzzId).append("\r\n");
    for (String[] h : f.headers()) {
      head.append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    byte[] body = f.body() == null ? new byte[0] : f.body();
    boolean chunked = f.body() != null && random.nextInt(5) == 0;
    lastBodyUnreadable = false;
    if (chunked) {
      head.append("Transfer-Encoding: chunked\r\n\r\n");
      lastBodyUnreadable = random.nextBoolean();
      String chunk =
          lastBodyUnreadable
              ? "zz\r\n" + latin1(body) + "\r\n0\r\n\r\n" // a chunk size that is no number
              : Integer.toHexString(body.length) + "\r\n" + latin1(body) + "\r\n0\r\n\r\n";
      return (head + chunk).getBytes(StandardCharsets.ISO_8859_1);
    }
    if (f.body() != null || random.nextInt(10) == 0) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Whether the last {@link #raw} request's chunked body framing was broken on purpose. */
  boolean lastBodyUnreadable() {
    return lastBodyUnreadable;
  }

  private static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
