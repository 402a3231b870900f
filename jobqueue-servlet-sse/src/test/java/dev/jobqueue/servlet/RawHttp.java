package dev.jobqueue.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends bytes exactly as given over a fresh socket and reads one HTTP/1.1 answer: for requests no
 * HTTP client library would send (malformed escapes, conflicting headers, bodies on GET).
 */
final class RawHttp {
  /** One answer; {@code status} is -1 when the server closed the connection without one. */
  record Answer(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "raw-http-watchdog");
            t.setDaemon(true);
            return t;
          });

  /** Reads until the server closes, or at most {@code DEADLINE_MS} (an open stream never ends). */
  static final long DEADLINE_MS = 10_000;

  static Answer send(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(
              () -> {
                try {
                  s.close();
                } catch (IOException e) {
                  // closing is all we wanted
                }
              },
              DEADLINE_MS,
              TimeUnit.MILLISECONDS);
      try {
        return exchange(s, port, request);
      } finally {
        watchdog.cancel(false);
      }
    }
  }

  private static Answer exchange(Socket s, int port, byte[] request) throws IOException {
    {
      s.connect(new InetSocketAddress("localhost", port), 5000);
      s.setSoTimeout((int) DEADLINE_MS);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may refuse and close before reading everything; its answer is still there
      }
      return read(s.getInputStream());
    }
  }

  static Answer send(int port, String request) throws IOException {
    return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    try {
      int b;
      while (last4 != 0x0d0a0d0a && (b = in.read()) != -1) {
        head.write(b);
        last4 = (last4 << 8) | b;
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // fall through with what arrived
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/1.")) {
      return new Answer(-1, Map.of(), text);
    }
    String[] lines = text.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.merge(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
    }
    String type = headers.getOrDefault("content-type", "");
    if (status == 200 && type.startsWith("text/event-stream")) {
      return new Answer(status, headers, ""); // an open stream: its head is the answer
    }
    return new Answer(status, headers, readBody(in, headers));
  }

  private static String readBody(InputStream in, Map<String, String> headers) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      String length = headers.get("content-length");
      if (length != null) {
        body.write(in.readNBytes(Integer.parseInt(length)));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        while (true) {
          String size = line(in).trim();
          if (size.isEmpty()) {
            break; // closed mid-body
          }
          int semi = size.indexOf(';');
          int n = Integer.parseInt(semi < 0 ? size : size.substring(0, semi), 16);
          if (n == 0) {
            break;
          }
          body.write(in.readNBytes(n));
          line(in);
        }
      } else {
        body.write(in.readAllBytes()); // until the server closes (we never ask for keep-alive)
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // keep what arrived
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }
}
