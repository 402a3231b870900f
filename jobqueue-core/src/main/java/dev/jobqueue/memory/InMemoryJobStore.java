package dev.jobqueue.memory;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store in the heap that behaves like a database: it keeps immutable snapshots, enforces
 * versions and claims atomically. Nothing survives a restart.
 *
 * <p>Every write is a compare-and-set on one map entry, so no lock is shared by all writers. The
 * claim index (queued jobs in priority/FIFO order) is kept next to the map and may briefly hold
 * keys of jobs that are no longer queued; a claim skips and drops those, and takes a job only by
 * winning the compare-and-set from its queued snapshot.
 */
public final class InMemoryJobStore implements JobStore {

  /** A stored snapshot and its insertion order (FIFO tie-break, like a database rowid). */
  private record Row(Job job, long seq) {}

  /** Key of a queued job in claim order: priority descending, then insertion order. */
  private record ReadyKey(int priority, long seq, String id) implements Comparable<ReadyKey> {
    @Override
    public int compareTo(ReadyKey o) {
      int c = Integer.compare(o.priority, priority);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private static final Comparator<Row> NEWEST_FIRST =
      Comparator.comparing((Row r) -> r.job().createdAt()).thenComparingLong(Row::seq).reversed();

  private final ConcurrentHashMap<String, Row> rows = new ConcurrentHashMap<>();
  private final ConcurrentSkipListSet<ReadyKey> ready = new ConcurrentSkipListSet<>();
  private final AtomicLong nextSeq = new AtomicLong();

  @Override
  public void insert(Job job) {
    Row row = new Row(job, nextSeq.getAndIncrement());
    if (rows.putIfAbsent(job.id(), row) != null) {
      throw new DuplicateJobException(job.id());
    }
    if (isReady(job)) {
      ready.add(key(row));
    }
  }

  @Override
  public Optional<Job> get(String id) {
    Row row = rows.get(id);
    return row == null ? Optional.empty() : Optional.of(row.job());
  }

  @Override
  public List<Job> query(JobQuery query) {
    List<Row> matched = new ArrayList<>();
    for (Row row : rows.values()) {
      if (query.matches(row.job())) {
        matched.add(row);
      }
    }
    matched.sort(NEWEST_FIRST);
    int n = Math.min(query.limit(), matched.size());
    List<Job> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(matched.get(i).job());
    }
    return out;
  }

  @Override
  public boolean update(Job next, long expectedVersion) {
    while (true) {
      Row old = rows.get(next.id());
      if (old == null || old.job().version() != expectedVersion || next.version() <= expectedVersion) {
        return false;
      }
      Row row = new Row(next, old.seq());
      if (rows.replace(next.id(), old, row)) {
        if (isReady(next) && !isReady(old.job())) {
          ready.add(key(row));
        } else if (!isReady(next) && isReady(old.job())) {
          ready.remove(key(old));
        } else if (isReady(next) && next.priority() != old.job().priority()) {
          ready.remove(key(old));
          ready.add(key(row));
        }
        return true;
      }
    }
  }

  @Override
  public boolean updateProgress(Job next, long expectedVersion) {
    return update(next, expectedVersion);
  }

  @Override
  public boolean delete(String id, long expectedVersion) {
    Row old = rows.get(id);
    if (old == null || old.job().version() != expectedVersion || !rows.remove(id, old)) {
      return false;
    }
    ready.remove(key(old));
    return true;
  }

  @Override
  public List<Job> claim(ClaimRequest request) {
    List<Job> out = new ArrayList<>(Math.min(request.max(), 16));
    for (ReadyKey key : ready) {
      Row row = rows.get(key.id());
      if (row == null || !isReady(row.job()) || row.seq() != key.seq()
          || row.job().priority() != key.priority()) {
        ready.remove(key); // stale: the job moved on; its current key (if any) is elsewhere
        continue;
      }
      Job job = row.job();
      if (!request.types().contains(job.type())
          || job.runAt() != null && job.runAt().isAfter(request.now())
          || !dependenciesCompleted(job)) {
        continue;
      }
      Job claimed = request.claimed(job);
      if (rows.replace(job.id(), row, new Row(claimed, row.seq()))) {
        ready.remove(key);
        out.add(claimed);
        if (out.size() == request.max()) {
          break;
        }
      }
    }
    return out;
  }

  private boolean dependenciesCompleted(Job job) {
    for (String dep : job.dependsOn()) {
      Row d = rows.get(dep);
      if (d != null && d.job().status() != JobStatus.COMPLETED) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int renewLeases(String owner, Instant until) {
    int n = 0;
    for (Row row : rows.values()) {
      Job j = row.job();
      if (j.status() == JobStatus.RUNNING && owner.equals(j.owner())
          && rows.replace(j.id(), row, new Row(j.toBuilder().leaseExpiresAt(until).build(), row.seq()))) {
        n++;
      }
    }
    return n;
  }

  @Override
  public List<Job> expiredLeases(Instant now, int limit) {
    List<Job> out = new ArrayList<>();
    for (Row row : rows.values()) {
      Job j = row.job();
      if (j.status() == JobStatus.RUNNING && j.leaseExpiresAt() != null
          && j.leaseExpiresAt().isBefore(now)) {
        out.add(j);
      }
    }
    out.sort(Comparator.comparing(Job::leaseExpiresAt));
    return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
  }

  @Override
  public List<Job> purge(Instant completedBefore, int keepLast) {
    List<Row> terminal = new ArrayList<>();
    for (Row row : rows.values()) {
      if (row.job().isTerminal()) {
        terminal.add(row);
      }
    }
    if (terminal.size() > keepLast && keepLast > 0) {
      // newest first, so that index >= keepLast means "beyond the newest keepLast"
      terminal.sort(Comparator.comparing((Row r) -> completedAt(r.job()))
          .thenComparingLong(Row::seq).reversed());
    }
    List<Job> deleted = new ArrayList<>();
    for (int i = 0; i < terminal.size(); i++) {
      Row row = terminal.get(i);
      boolean surplus = terminal.size() > keepLast && i >= keepLast;
      if ((surplus || completedAt(row.job()).isBefore(completedBefore))
          && rows.remove(row.job().id(), row)) {
        deleted.add(row.job());
      }
    }
    return deleted;
  }

  private static Instant completedAt(Job j) {
    return j.completedAt() != null ? j.completedAt() : j.updatedAt();
  }

  @Override
  public Map<String, Map<JobStatus, Long>> countByTypeAndStatus(String userId) {
    Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
    for (Row row : rows.values()) {
      Job j = row.job();
      if (userId == null || userId.equals(j.userId())) {
        out.computeIfAbsent(j.type(), t -> new EnumMap<>(JobStatus.class))
            .merge(j.status(), 1L, Long::sum);
      }
    }
    return out;
  }

  private static ReadyKey key(Row row) {
    return new ReadyKey(row.job().priority(), row.seq(), row.job().id());
  }

  private static boolean isReady(Job j) {
    return j.status() == JobStatus.QUEUED && !j.tracked();
  }
}
