package dev.jobqueue.postgres.internal;

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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job logs accepted by {@code writeLog} and not yet written: the newest log per job and attempt,
 * written by the writer at most once per flush interval per attempt (and on close). Reads merge
 * them over the rows. Lines are stored as JSON {@code [[nanos, "text"], ...]}, as in the SQLite
 * store.
 */
final class PendingLogs {
  private static final JsonFactory JSON = new JsonFactory();

  private record Key(String jobId, int attempt) {}

  /** A log waiting to be written, and since when (nanoTime). */
  record Entry(JobLog log, long since) {}

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

  void put(JobLog log) {
    entries.merge(
        new Key(log.jobId(), log.attempt()),
        new Entry(log, System.nanoTime()),
        (old, now) -> new Entry(log, old.since())); // coalesced: it keeps its place in line
  }

  List<JobLog> of(String jobId) {
    List<JobLog> out = new ArrayList<>();
    entries.forEach(
        (k, e) -> {
          if (k.jobId().equals(jobId)) {
            out.add(e.log());
          }
        });
    return out;
  }

  /** The job is gone: its pending logs go too. */
  void forget(String jobId) {
    entries.keySet().removeIf(k -> k.jobId().equals(jobId));
  }

  List<Entry> due(long minAgeNanos) {
    List<Entry> out = new ArrayList<>();
    long now = System.nanoTime();
    entries.forEach(
        (k, e) -> {
          if (now - e.since() >= minAgeNanos) {
            out.add(e);
          }
        });
    return out;
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** After the commit: forgotten unless a newer log of the attempt arrived meanwhile. */
  void written(Entry e) {
    entries.remove(new Key(e.log().jobId(), e.log().attempt()), e);
  }

  /** Writes pending logs in the writer's transaction. */
  static final class Flush extends WriteOp<Void> {
    private final PendingLogs logs;
    private final Entry entry;

    Flush(PendingLogs logs, Entry entry) {
      this.logs = logs;
      this.entry = entry;
    }

    @Override
    Void execute(Tx tx) throws SQLException {
      JobLog log = entry.log();
      PreparedStatement ps = tx.prepare(tx.sql.upsertLog);
      ps.setString(1, log.jobId());
      ps.setInt(2, log.attempt());
      ps.setLong(3, log.dropped());
      ps.setString(4, encode(log));
      ps.setString(5, log.jobId());
      ps.executeUpdate();
      tx.afterCommit(() -> logs.written(entry));
      return null;
    }
  }

  static String encode(JobLog log) {
    StringWriter out = new StringWriter(64 + log.lines().size() * 48);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (JobLogLine line : log.lines()) {
        g.writeStartArray();
        g.writeNumber(PgCodec.nanos(line.at()));
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
        out.add(new JobLogLine(PgCodec.instant(nanos), text));
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
