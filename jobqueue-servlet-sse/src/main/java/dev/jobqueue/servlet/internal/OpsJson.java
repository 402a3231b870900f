package dev.jobqueue.servlet.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogEvent;
import dev.jobqueue.JobLogLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * JSON of the operator features: job logs ({@code GET {base}/{id}/logs} and {@code event: log}),
 * and paused job types ({@code event: paused}, pause/resume answers).
 *
 * <pre>
 * {"job_id":"...","attempts":[{"attempt":1,"dropped":0,"dropped_marker":null,
 *   "lines":[{"at":"2026-01-02T03:04:05.678Z","text":"..."}]}]}
 * event: log    data: {"job_id":"...","attempt":1,"dropped":0,"written":7,"lines":[...]}
 * event: paused data: {"paused_types":["generate_image"]}
 * </pre>
 */
final class OpsJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private OpsJson() {}

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] object(Body body) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(buf)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen writing to memory
    }
    return buf.toByteArray();
  }

  static byte[] logs(String jobId, List<JobLog> logs) {
    return object(
        g -> {
          g.writeStringField("job_id", jobId);
          g.writeArrayFieldStart("attempts");
          for (JobLog l : logs) {
            g.writeStartObject();
            g.writeNumberField("attempt", l.attempt());
            g.writeNumberField("dropped", l.dropped());
            g.writeStringField("dropped_marker", l.droppedMarker());
            lines(g, l.lines());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  static byte[] logEvent(JobLogEvent e) {
    return object(
        g -> {
          g.writeStringField("job_id", e.jobId());
          g.writeNumberField("attempt", e.attempt());
          g.writeNumberField("dropped", e.dropped());
          g.writeNumberField("written", e.written());
          lines(g, e.lines());
        });
  }

  private static void lines(JsonGenerator g, List<JobLogLine> lines) throws IOException {
    g.writeArrayFieldStart("lines");
    for (JobLogLine line : lines) {
      g.writeStartObject();
      g.writeStringField("at", line.at().toString());
      g.writeStringField("text", line.text());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  static byte[] paused(Collection<String> types) {
    return object(g -> pausedField(g, types));
  }

  static byte[] pauseAnswer(String type, boolean paused, Collection<String> types) {
    return object(
        g -> {
          g.writeStringField("type", type);
          g.writeBooleanField("paused", paused);
          pausedField(g, types);
        });
  }

  static void pausedField(JsonGenerator g, Collection<String> types) throws IOException {
    g.writeArrayFieldStart("paused_types");
    for (String t : new TreeSet<>(types)) {
      g.writeString(t);
    }
    g.writeEndArray();
  }
}
