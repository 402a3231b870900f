package dev.jobqueue.sqlite.internal;

import dev.jobqueue.JobLog;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job logs accepted by {@code writeLog} and not yet written: the newest log per job and attempt,
 * written by the writer with coalesced progress (at most once per flush interval per attempt, and
 * on close), so a handler logging without pause costs a few writes a second. Reads merge them over
 * the rows.
 */
final class PendingLogs {
  /** Writes a log unless its job is gone: a log never outlives, or comes back after, its job. */
  static final String UPSERT =
      "INSERT OR REPLACE INTO job_logs (job_id, attempt, dropped, lines)"
          + " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?)";

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

  /** Pending logs of one job (attempt order not guaranteed). */
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

  /** Logs that waited at least {@code minAgeNanos} (all with 0). */
  List<Entry> due(long minAgeNanos) {
    List<Entry> out = new ArrayList<>();
    if (entries.isEmpty()) {
      return out;
    }
    long now = System.nanoTime();
    entries.forEach(
        (k, e) -> {
          if (now - e.since() >= minAgeNanos) {
            out.add(e);
          }
        });
    return out;
  }

  /** Writes one in the writer's transaction. */
  static void write(Tx tx, Entry e) throws SQLException {
    JobLog log = e.log();
    PreparedStatement ps = tx.prepare(UPSERT);
    ps.setString(1, log.jobId());
    ps.setInt(2, log.attempt());
    ps.setLong(3, log.dropped());
    ps.setString(4, LogCodec.encode(log));
    ps.setString(5, log.jobId());
    ps.executeUpdate();
  }

  /** After the commit: forgotten unless a newer log of the attempt arrived meanwhile. */
  void written(Entry e) {
    entries.remove(new Key(e.log().jobId(), e.log().attempt()), e);
  }
}
