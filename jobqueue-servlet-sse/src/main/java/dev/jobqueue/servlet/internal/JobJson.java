package dev.jobqueue.servlet.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jobqueue.Job;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Writes jobs, stats and errors as the JSON contract of DESIGN.md: snake_case names in the
 * documented order, every field present (null where unset), ISO-8601 UTC timestamps. Bookkeeping
 * components of {@link Job} are never written; {@code input} only when the host opted in.
 *
 * <p>Streaming generation rather than data binding: the SSE hub serialises every event once and the
 * export can stream thousands of jobs without building a tree.
 */
public final class JobJson {
  /**
   * Shared and thread-safe once configured, so never handed out of this package (a caller could
   * reconfigure it under every request); used for reading bodies and writing map values.
   */
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          // the export streams thousands of values through one generator: flush once, at the end
          .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private final boolean exposeInput;

  public JobJson(boolean exposeInput) {
    this.exposeInput = exposeInput;
  }

  public JsonGenerator generator(OutputStream out) throws IOException {
    return FACTORY.createGenerator(out);
  }

  /** One job as UTF-8 bytes. */
  public byte[] toBytes(Job job) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(768);
    try (JsonGenerator g = generator(buf)) {
      write(g, job);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen writing to memory
    }
    return buf.toByteArray();
  }

  public void write(JsonGenerator g, Job job) throws IOException {
    g.writeStartObject();
    g.writeStringField("job_id", job.id());
    g.writeStringField("type", job.type());
    g.writeStringField("status", job.status().wireName());
    g.writeStringField("created_at", timestamp(job.createdAt()));
    g.writeStringField("started_at", timestamp(job.startedAt()));
    g.writeStringField("completed_at", timestamp(job.completedAt()));
    g.writeStringField("updated_at", timestamp(job.updatedAt()));
    g.writeNumberField("progress", job.progress());
    g.writeStringField("progress_message", job.progressMessage());
    writeNullableInt(g, "current_step", job.currentStep());
    writeNullableInt(g, "total_steps", job.totalSteps());
    g.writeStringField("title", job.title());
    g.writeStringField("description", job.description());
    g.writeStringField("parent_job_id", job.parentJobId());
    writeStrings(g, "child_job_ids", job.childJobIds());
    g.writeFieldName("result");
    writeValue(g, job.result());
    g.writeStringField("error", job.error());
    g.writeStringField("user_id", job.userId());
    g.writeBooleanField("cancelable", job.cancelable());
    g.writeNumberField("priority", job.priority());
    g.writeNumberField("attempt", job.attempt());
    g.writeNumberField("max_attempts", job.maxAttempts());
    writeStrings(g, "depends_on", job.dependsOn());
    g.writeBooleanField("optional", job.optional());
    g.writeFieldName("eta_seconds");
    if (job.etaSeconds() == null) {
      g.writeNull();
    } else {
      g.writeNumber(job.etaSeconds());
    }
    writeStrings(g, "warnings", job.warnings());
    g.writeBooleanField("cancel_requested", job.cancelRequested());
    g.writeStringField("run_at", timestamp(job.runAt()));
    if (exposeInput) {
      g.writeFieldName("input");
      writeValue(g, job.input());
    }
    g.writeEndObject();
  }

  /** Millisecond precision: every browser's {@code Date} parses it; finer digits would be lost. */
  public static String timestamp(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static void writeNullableInt(JsonGenerator g, String name, Integer v) throws IOException {
    g.writeFieldName(name);
    if (v == null) {
      g.writeNull();
    } else {
      g.writeNumber(v);
    }
  }

  private static void writeStrings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  /** JSON-like values (maps, lists, strings, numbers, booleans) as the core keeps them. */
  public static void writeValue(JsonGenerator g, Object value) throws IOException {
    MAPPER.writeValue(g, value); // does not close g
  }

  /** A JSON text of a JSON-like value, for CSV cells. */
  public static String valueText(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] statsBytes(JobStats s) {
    return statsBytes(s, java.util.Set.of());
  }

  /** The stats, and the job types paused now ({@code paused_types}, sorted). */
  public byte[] statsBytes(JobStats s, java.util.Set<String> pausedTypes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(512);
    try (JsonGenerator g = generator(buf)) {
      g.writeStartObject();
      long total = 0;
      g.writeObjectFieldStart("by_status");
      for (JobStatus st : JobStatus.values()) {
        long n = s.byStatus().getOrDefault(st, 0L);
        total += n;
        g.writeNumberField(st.wireName(), n);
      }
      g.writeEndObject();
      g.writeNumberField("total", total);
      g.writeObjectFieldStart("by_type");
      for (Map.Entry<String, Map<JobStatus, Long>> e : s.byType().entrySet()) {
        g.writeObjectFieldStart(e.getKey());
        for (JobStatus st : JobStatus.values()) {
          g.writeNumberField(st.wireName(), e.getValue().getOrDefault(st, 0L));
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("durations");
      writeDurations(g, "run_seconds", s.runSeconds());
      writeDurations(g, "wait_seconds", s.waitSeconds());
      g.writeNumberField("sample_size", s.sampleSize());
      g.writeEndObject();
      g.writeObjectFieldStart("throughput");
      g.writeNumberField("completed_last_minute", s.completedLastMinute());
      g.writeNumberField("completed_per_minute", s.completedPerMinute());
      g.writeEndObject();
      OpsJson.pausedField(g, pausedTypes);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void writeDurations(JsonGenerator g, String name, JobStats.Durations d)
      throws IOException {
    g.writeObjectFieldStart(name);
    g.writeNumberField("mean", d == null ? 0 : d.mean());
    g.writeNumberField("p50", d == null ? 0 : d.p50());
    g.writeNumberField("p95", d == null ? 0 : d.p95());
    g.writeEndObject();
  }

  public static byte[] errorBytes(int status, String message) {
    try {
      return MAPPER.writeValueAsBytes(Map.of("error", message, "status", status));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A single-field object such as {@code {"deleted": 3}} or {@code {"job_id": "..."}}. */
  public static byte[] objectBytes(String name, Object value) {
    try {
      return MAPPER.writeValueAsBytes(Map.of(name, value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
