package dev.jobqueue.servlet;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A test SSE client on java.net.http: records every line as it arrives. */
final class SseStream implements AutoCloseable {
  /** One dispatched block of lines (the text between blank lines). */
  record Block(List<String> lines) {
    String field(String name) {
      for (String l : lines) {
        if (l.startsWith(name + ": ")) {
          return l.substring(name.length() + 2);
        }
      }
      return null;
    }

    String id() {
      return field("id");
    }

    String event() {
      return field("event");
    }

    String data() {
      return field("data");
    }

    boolean isComment() {
      return lines.stream().allMatch(l -> l.startsWith(":"));
    }
  }

  final HttpResponse<Stream<String>> response;
  final List<String> lines = new CopyOnWriteArrayList<>();
  private volatile boolean ended;
  private final Thread reader;

  SseStream(HttpClient client, HttpRequest request) throws Exception {
    response = client.send(request, HttpResponse.BodyHandlers.ofLines());
    reader =
        new Thread(
            () -> {
              try {
                response.body().forEach(lines::add);
              } catch (RuntimeException closed) {
                // closed by the test or the server
              } finally {
                ended = true;
              }
            },
            "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  boolean ended() {
    return ended;
  }

  /** Complete blocks received so far. */
  List<Block> blocks() {
    List<Block> out = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String l : lines) {
      if (l.isEmpty()) {
        if (!current.isEmpty()) {
          out.add(new Block(List.copyOf(current)));
        }
        current = new ArrayList<>();
      } else {
        current.add(l);
      }
    }
    return out;
  }

  /** Blocks carrying data (events), in order. */
  List<Block> events() {
    return blocks().stream().filter(b -> b.data() != null).toList();
  }

  @Override
  public void close() {
    response.body().close();
  }
}
