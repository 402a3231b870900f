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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A store in the heap that behaves like a database: it keeps immutable snapshots, enforces
 * versions and claims atomically. Nothing survives a restart. Reads are lock-free; writes take
 * one lock, which is short because every write is a map update.
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
  private final TreeSet<ReadyKey> ready = new TreeSet<>();
  private final ReentrantLock lock = new ReentrantLock();
  private long nextSeq;

  @Override
  public void insert(Job job) {
    lock.lock();
    try {
      Row row = new Row(job, nextSeq++);
      if (rows.putIfAbsent(job.id(), row) != null) {
        throw new DuplicateJobException(job.id());
      }
      index(null, row);
    } finally {
      lock.unlock();
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
    lock.lock();
    try {
      Row old = rows.get(next.id());
      if (old == null || old.job().version() != expectedVersion || next.version() <= expectedVersion) {
        return false;
      }
      Row row = new Row(next, old.seq());
      rows.put(next.id(), row);
      index(old, row);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean updateProgress(Job next, long expectedVersion) {
    return update(next, expectedVersion);
  }

  @Override
  public boolean delete(String id, long expectedVersion) {
    lock.lock();
    try {
      Row old = rows.get(id);
      if (old == null || old.job().version() != expectedVersion) {
        return false;
      }
      rows.remove(id);
      index(old, null);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Job> claim(ClaimRequest request) {
    List<Job> out = new ArrayList<>(Math.min(request.max(), 16));
    lock.lock();
    try {
      for (Iterator<ReadyKey> it = ready.iterator(); it.hasNext(); ) {
        ReadyKey key = it.next();
        Row row = rows.get(key.id());
        Job job = row.job();
        if (!request.types().contains(job.type())
            || job.runAt() != null && job.runAt().isAfter(request.now())
            || !dependenciesCompleted(job)) {
          continue;
        }
        Job claimed = job.toBuilder()
            .status(JobStatus.RUNNING)
            .version(job.version() + 1)
            .startedAt(request.now())
            .updatedAt(request.now())
            .completedAt(null)
            .runAt(null)
            .owner(request.owner())
            .leaseExpiresAt(request.leaseUntil())
            .build();
        it.remove();
        rows.put(job.id(), new Row(claimed, row.seq()));
        out.add(claimed);
        if (out.size() == request.max()) {
          break;
        }
      }
      return out;
    } finally {
      lock.unlock();
    }
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
    lock.lock();
    try {
      int n = 0;
      for (Row row : rows.values()) {
        Job j = row.job();
        if (j.status() == JobStatus.RUNNING && owner.equals(j.owner())) {
          rows.put(j.id(), new Row(j.toBuilder().leaseExpiresAt(until).build(), row.seq()));
          n++;
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
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
    lock.lock();
    try {
      List<Row> terminal = new ArrayList<>();
      for (Row row : rows.values()) {
        if (row.job().isTerminal()) {
          terminal.add(row);
        }
      }
      terminal.sort(Comparator.comparing((Row r) -> completedAt(r.job()))
          .thenComparingLong(Row::seq).reversed());
      List<Job> deleted = new ArrayList<>();
      for (int i = 0; i < terminal.size(); i++) {
        Job j = terminal.get(i).job();
        if (i >= keepLast || completedAt(j).isBefore(completedBefore)) {
          rows.remove(j.id());
          deleted.add(j);
        }
      }
      return deleted;
    } finally {
      lock.unlock();
    }
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

  /** Keeps the claim index in step with a row change; called under the lock. */
  private void index(Row old, Row now) {
    if (old != null && isReady(old.job())) {
      ready.remove(new ReadyKey(old.job().priority(), old.seq(), old.job().id()));
    }
    if (now != null && isReady(now.job())) {
      ready.add(new ReadyKey(now.job().priority(), now.seq(), now.job().id()));
    }
  }

  private static boolean isReady(Job j) {
    return j.status() == JobStatus.QUEUED && !j.tracked();
  }
}
