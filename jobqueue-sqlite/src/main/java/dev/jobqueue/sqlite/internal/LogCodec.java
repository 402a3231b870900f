package dev.jobqueue.sqlite.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogLine;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A log's lines as the JSON of column {@code job_logs.lines}: {@code [[nanos, "text"], ...]}. */
final class LogCodec {
  private static final JsonFactory JSON = new JsonFactory();

  private LogCodec() {}

  static String encode(JobLog log) {
    StringWriter out = new StringWriter(64 + log.lines().size() * 48);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (JobLogLine line : log.lines()) {
        g.writeStartArray();
        g.writeNumber(JobCodec.nanos(line.at()));
        g.writeString(line.text());
        g.writeEndArray();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  static List<JobLogLine> decode(String json) throws SQLException {
    List<JobLogLine> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_ARRAY) {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        long nanos = p.getLongValue();
        expect(p.nextToken(), JsonToken.VALUE_STRING);
        String text = p.getText();
        expect(p.nextToken(), JsonToken.END_ARRAY);
        out.add(new JobLogLine(JobCodec.instant(nanos), text));
      }
    } catch (IOException e) {
      throw new SQLException("job_logs.lines is not valid JSON: " + e.getMessage(), e);
    }
    return out;
  }

  private static void expect(JsonToken got, JsonToken wanted) throws IOException {
    if (got != wanted) {
      throw new IOException("expected " + wanted + ", found " + got);
    }
  }
}
