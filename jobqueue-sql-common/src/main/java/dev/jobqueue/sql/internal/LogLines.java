package dev.jobqueue.sql.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogLine;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code job_logs} table of both stores: a log's lines as the JSON of column {@code lines},
 * {@code [[nanos, "text"], ...]}, and the parameters of a store's upsert.
 */
public final class LogLines {
  private static final JsonFactory JSON = new JsonFactory();

  private LogLines() {}

  /**
   * Binds a store's log upsert, whose parameters are {@code job_id, attempt, dropped, lines} and
   * then the job id again, for the condition that the job still exists (a log never outlives, or
   * comes back after, its job).
   */
  public static void bindUpsert(PreparedStatement ps, JobLog log) throws SQLException {
    ps.setString(1, log.jobId());
    ps.setInt(2, log.attempt());
    ps.setLong(3, log.dropped());
    ps.setString(4, encode(log));
    ps.setString(5, log.jobId());
  }

  /**
   * The logs of a job from rows of {@code attempt, dropped, lines}, with the pending ones (read
   * before the rows) winning per attempt; in attempt order.
   */
  public static List<JobLog> merge(String jobId, ResultSet rows, List<JobLog> pending)
      throws SQLException {
    Map<Integer, JobLog> byAttempt = new TreeMap<>();
    while (rows.next()) {
      int attempt = rows.getInt(1);
      byAttempt.put(
          attempt, new JobLog(jobId, attempt, decode(rows.getString(3)), rows.getLong(2)));
    }
    pending.forEach(l -> byAttempt.put(l.attempt(), l));
    return List.copyOf(byAttempt.values());
  }

  public static String encode(JobLog log) {
    StringWriter out = new StringWriter(64 + log.lines().size() * 48);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (JobLogLine line : log.lines()) {
        g.writeStartArray();
        g.writeNumber(JobRows.nanos(line.at()));
        g.writeString(line.text());
        g.writeEndArray();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  public static List<JobLogLine> decode(String json) throws SQLException {
    List<JobLogLine> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_ARRAY);
      while (p.nextToken() == JsonToken.START_ARRAY) {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        long nanos = p.getLongValue();
        expect(p.nextToken(), JsonToken.VALUE_STRING);
        String text = p.getText();
        expect(p.nextToken(), JsonToken.END_ARRAY);
        out.add(new JobLogLine(JobRows.instant(nanos), text));
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
