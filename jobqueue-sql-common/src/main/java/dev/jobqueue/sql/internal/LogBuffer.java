package dev.jobqueue.sql.internal;

import dev.jobqueue.JobLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Job logs accepted by {@code writeLog} and not yet written: the newest log per job and attempt,
 * written by the store's writer with coalesced progress (at most once per flush interval per
 * attempt, and on close), so a handler logging without pause costs a few writes a second. Reads
 * merge them over the rows. A store subclasses it to add its write operation.
 */
public class LogBuffer {
  private record Key(String jobId, int attempt) {}

  /**
   * A log waiting to be written, and since when.
   *
   * @param log the newest log of its job and attempt
   * @param since {@link System#nanoTime()} when its attempt's first unwritten log arrived
   */
  public record Entry(JobLog log, long since) {}

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

  public void put(JobLog log) {
    entries.merge(
        new Key(log.jobId(), log.attempt()),
        new Entry(log, System.nanoTime()),
        (old, now) -> new Entry(log, old.since())); // coalesced: it keeps its place in line
  }

  /** Pending logs of one job (attempt order not guaranteed). */
  public List<JobLog> of(String jobId) {
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
  public void forget(String jobId) {
    entries.keySet().removeIf(k -> k.jobId().equals(jobId));
  }

  /** Logs that waited at least {@code minAgeNanos} (all with 0). */
  public List<Entry> due(long minAgeNanos) {
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

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** After the commit: forgotten unless a newer log of the attempt arrived meanwhile. */
  public void written(Entry e) {
    entries.remove(new Key(e.log().jobId(), e.log().attempt()), e);
  }
}
