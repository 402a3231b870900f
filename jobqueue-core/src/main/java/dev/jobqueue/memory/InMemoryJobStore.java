package dev.jobqueue.memory;

import dev.jobqueue.Job;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.LeaseRenewal;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store in the heap that behaves like a database: it keeps immutable snapshots, enforces versions
 * and reserves atomically. Nothing survives a restart.
 *
 * <p>Every write is a compare-and-set on one map entry, so no lock is shared by all writers. The
 * ready index (queued jobs in priority/FIFO order) is kept next to the map and may briefly hold
 * keys of jobs that are no longer queued; a reservation skips and drops those. Reservations live in
 * their own map, each tied to the version it was made on, so a change of the job ends it.
 *
 * <p>Finished rows are also queued in the order they finished, so retention removes the oldest
 * without scanning every row: a scan per purge made frequent purging too costly, and rarely purged
 * finished jobs filled the heap that the garbage collector copies. The order of finishing stands in
 * for {@code completedAt} order, which it is for every job the queue finishes; a job inserted
 * already finished (a store test, an import) is purged in its insertion order.
 */
public final class InMemoryJobStore implements JobStore {

  /** An empty store. */
  public InMemoryJobStore() {}

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

  /** A queue's hold on the queued job at {@code version}; nothing to do with the job's row. */
  private record Reservation(String owner, Instant until, long version) {}

  private final ConcurrentHashMap<String, Reservation> reservations = new ConcurrentHashMap<>();

  /** Rows as they became terminal; an entry is live while it is still the job's row. */
  private final ConcurrentLinkedQueue<Row> finished = new ConcurrentLinkedQueue<>();

  /** Terminal rows stored now (the live entries of {@link #finished}). */
  private final AtomicLong terminalRows = new AtomicLong();

  private final JobLogsAndPauses extras = new JobLogsAndPauses();

  /** A unique key's scope: one user (null is one user too) and the key. */
  private record UniqueRef(String userId, String key) {}

  /**
   * Who holds each unique key: written only under {@link #uniqueLock}, so that checking the holder
   * and taking the key are one step; an entry whose job has ended is stale and is replaced.
   */
  private final ConcurrentHashMap<UniqueRef, String> uniqueKeys = new ConcurrentHashMap<>();

  private final Object uniqueLock = new Object();

  @Override
  public void insert(Job job) {
    if (!holdsKey(job)) {
      insertRow(job);
      return;
    }
    synchronized (uniqueLock) {
      Job holder = keyHolder(job);
      if (holder != null) {
        throw new UniqueKeyConflictException(job.uniqueKey(), holder.id());
      }
      insertRow(job);
      uniqueKeys.put(uniqueRef(job), job.id());
    }
  }

  @Override
  public Job insertUnique(Job job) {
    if (job.uniqueKey() == null || job.status() != JobStatus.QUEUED) {
      throw new IllegalArgumentException(
          "insertUnique needs a queued job with a unique key, got " + job.describe());
    }
    synchronized (uniqueLock) {
      Job holder = keyHolder(job);
      if (holder != null) {
        return holder;
      }
      insertRow(job);
      uniqueKeys.put(uniqueRef(job), job.id());
      return job;
    }
  }

  /** The queued or running job other than {@code job} holding its key, or null. */
  private Job keyHolder(Job job) {
    UniqueRef ref = uniqueRef(job);
    String id = uniqueKeys.get(ref);
    if (id == null) {
      return null;
    }
    Row row = rows.get(id);
    if (row != null && holdsKey(row.job()) && ref.equals(uniqueRef(row.job()))) {
      return id.equals(job.id()) ? null : row.job();
    }
    uniqueKeys.remove(ref, id); // that job ended (or was deleted): the key is free
    return null;
  }

  private static boolean holdsKey(Job j) {
    return j.uniqueKey() != null
        && (j.status() == JobStatus.QUEUED || j.status() == JobStatus.RUNNING);
  }

  private static UniqueRef uniqueRef(Job j) {
    return new UniqueRef(j.userId(), j.uniqueKey());
  }

  private void insertRow(Job job) {
    Row row = new Row(job, nextSeq.getAndIncrement());
    if (rows.putIfAbsent(job.id(), row) != null) {
      throw new DuplicateJobException(job.id());
    }
    if (isReady(job)) {
      ready.add(key(row));
    } else if (job.isTerminal()) {
      finished(row);
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
    if (!holdsKey(next)) {
      return updateRow(next, expectedVersion);
    }
    Row cur = rows.get(next.id());
    if (cur != null && cur.job().version() == expectedVersion && holdsKey(cur.job())) {
      return updateRow(next, expectedVersion); // it holds its key already (or the CAS fails)
    }
    synchronized (uniqueLock) { // an ended job queued again takes its key back, if it is free
      Job holder = keyHolder(next);
      if (holder != null) {
        throw new UniqueKeyConflictException(next.uniqueKey(), holder.id());
      }
      boolean updated = updateRow(next, expectedVersion);
      if (updated) {
        uniqueKeys.put(uniqueRef(next), next.id());
      }
      return updated;
    }
  }

  private boolean updateRow(Job next, long expectedVersion) {
    while (true) {
      Row old = rows.get(next.id());
      if (old == null
          || old.job().version() != expectedVersion
          || next.version() <= expectedVersion) {
        return false;
      }
      Row row = new Row(next, old.seq());
      if (rows.replace(next.id(), old, row)) {
        dropReservation(next.id(), next.version());
        if (next.isTerminal()) {
          finished(row);
        }
        if (old.job().isTerminal()) {
          terminalRows.decrementAndGet();
        }
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
    extras.deleted(id);
    reservations.remove(id);
    if (old.job().isTerminal()) {
      terminalRows.decrementAndGet();
    } else {
      ready.remove(key(old));
    }
    return true;
  }

  @Override
  public List<Job> reserve(ClaimRequest request) {
    List<Job> out = new ArrayList<>(Math.min(request.max(), 16));
    for (ReadyKey key : ready) {
      Row row = rows.get(key.id());
      if (row == null
          || !isReady(row.job())
          || row.seq() != key.seq()
          || row.job().priority() != key.priority()) {
        ready.remove(key); // stale: the job moved on; its current key (if any) is elsewhere
        continue;
      }
      Job job = row.job();
      if (!request.types().contains(job.type())
          || job.runAt() != null && job.runAt().isAfter(request.now())
          || !dependenciesCompleted(job)
          || !takeReservation(job, request)) {
        continue;
      }
      out.add(job);
      if (out.size() == request.max()) {
        break;
      }
    }
    return out;
  }

  /** Reserves {@code job} unless a reservation holds on its version; atomic per job. */
  private boolean takeReservation(Job job, ClaimRequest request) {
    boolean[] taken = new boolean[1];
    reservations.compute(
        job.id(),
        (id, r) -> {
          if (r != null && r.version() == job.version() && !r.until().isBefore(request.now())) {
            return r;
          }
          taken[0] = true;
          return new Reservation(request.owner(), request.leaseUntil(), job.version());
        });
    return taken[0];
  }

  @Override
  public void release(String owner, Collection<String> jobIds) {
    for (String id : jobIds) {
      reservations.computeIfPresent(id, (k, r) -> owner.equals(r.owner()) ? null : r);
    }
  }

  /** A reservation ends with the version it was made on; drops it once the job moved past it. */
  private void dropReservation(String id, long newVersion) {
    if (!reservations.isEmpty()) {
      reservations.computeIfPresent(id, (k, r) -> r.version() < newVersion ? null : r);
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
  public LeaseRenewal renewLeases(String owner, Collection<String> running, Instant until) {
    reservations.replaceAll(
        (id, r) -> owner.equals(r.owner()) ? new Reservation(owner, until, r.version()) : r);
    int n = 0;
    for (Row row : rows.values()) {
      Job j = row.job();
      if (j.status() == JobStatus.RUNNING
          && owner.equals(j.owner())
          && rows.replace(
              j.id(), row, new Row(j.toBuilder().leaseExpiresAt(until).build(), row.seq()))) {
        n++;
      }
    }
    Set<String> lost = new HashSet<>();
    Set<String> cancelRequested = new HashSet<>();
    for (String id : running) {
      Row row = rows.get(id);
      Job j = row == null ? null : row.job();
      if (j == null || j.status() != JobStatus.RUNNING || !owner.equals(j.owner())) {
        lost.add(id);
      } else if (j.cancelRequested()) {
        cancelRequested.add(id);
      }
    }
    return new LeaseRenewal(n, lost, cancelRequested);
  }

  @Override
  public List<Job> expiredLeases(Instant now, int limit) {
    List<Job> out = new ArrayList<>();
    for (Row row : rows.values()) {
      Job j = row.job();
      if (j.status() == JobStatus.RUNNING
          && j.leaseExpiresAt() != null
          && j.leaseExpiresAt().isBefore(now)) {
        out.add(j);
      }
    }
    out.sort(Comparator.comparing(Job::leaseExpiresAt));
    return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
  }

  private void finished(Row row) {
    terminalRows.incrementAndGet();
    finished.add(row);
  }

  /**
   * Removes finished rows from the oldest on while there are more than {@code keepLast} (0 keeps
   * none) or the oldest finished before {@code completedBefore}. One purge at a time: only purge
   * takes entries off {@link #finished}.
   */
  @Override
  public synchronized List<Job> purge(Instant completedBefore, int keepLast) {
    List<Job> deleted = new ArrayList<>();
    for (Row entry; (entry = finished.peek()) != null; ) {
      Job job = entry.job();
      if (rows.get(job.id()) != entry) {
        finished.poll(); // retried, finished again (a newer entry) or deleted
        continue;
      }
      boolean surplus = terminalRows.get() > keepLast;
      if (!surplus && !completedAt(job).isBefore(completedBefore)) {
        break;
      }
      finished.poll();
      if (rows.remove(job.id(), entry)) {
        extras.deleted(job.id());
        terminalRows.decrementAndGet();
        deleted.add(job);
      }
      // else a concurrent update replaced it; that update queued its own entry if still terminal
    }
    return deleted;
  }

  /**
   * Kept with the job's row: a log of a job that is not stored (or deleted meanwhile) is dropped.
   */
  @Override
  public void writeLog(JobLog log) {
    rows.computeIfPresent(
        log.jobId(),
        (id, row) -> {
          extras.putLog(log);
          return row;
        });
  }

  @Override
  public List<JobLog> logs(String jobId) {
    return extras.logs(jobId);
  }

  @Override
  public void pauseType(String type) {
    extras.pause(type);
  }

  @Override
  public void resumeType(String type) {
    extras.resume(type);
  }

  @Override
  public Set<String> pausedTypes() {
    return extras.paused();
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

  // ------------------------------------------------------------ recurring schedules

  /** Schedules by id; every write holds {@link #scheduleLock}, so fire's check and change agree. */
  private final ConcurrentHashMap<String, RecurringSchedule> schedules = new ConcurrentHashMap<>();

  private final Object scheduleLock = new Object();

  @Override
  public boolean insertSchedule(RecurringSchedule schedule) {
    synchronized (scheduleLock) {
      return schedules.putIfAbsent(schedule.id(), schedule) == null;
    }
  }

  @Override
  public Optional<RecurringSchedule> getSchedule(String id) {
    return Optional.ofNullable(schedules.get(id));
  }

  @Override
  public List<RecurringSchedule> schedules() {
    List<RecurringSchedule> out = new ArrayList<>(schedules.values());
    out.sort(Comparator.comparing(RecurringSchedule::id));
    return out;
  }

  @Override
  public boolean updateSchedule(RecurringSchedule next, long expectedVersion) {
    synchronized (scheduleLock) {
      RecurringSchedule cur = schedules.get(next.id());
      if (cur == null || cur.version() != expectedVersion || next.version() <= expectedVersion) {
        return false;
      }
      schedules.put(next.id(), next);
      return true;
    }
  }

  @Override
  public boolean deleteSchedule(String id) {
    synchronized (scheduleLock) {
      return schedules.remove(id) != null;
    }
  }

  @Override
  public boolean fireSchedule(String scheduleId, Instant occurrence, Instant nextRunAt, Job job) {
    synchronized (scheduleLock) {
      RecurringSchedule cur = schedules.get(scheduleId);
      if (cur == null || cur.paused() || !occurrence.equals(cur.nextRunAt())) {
        return false;
      }
      insert(job); // throws, changing nothing, on a held unique key or a duplicate id
      schedules.put(
          scheduleId,
          new RecurringSchedule(
              cur.id(),
              cur.schedule(),
              cur.template(),
              false,
              nextRunAt,
              occurrence,
              job.id(),
              cur.version() + 1));
      return true;
    }
  }

  private static ReadyKey key(Row row) {
    return new ReadyKey(row.job().priority(), row.seq(), row.job().id());
  }

  private static boolean isReady(Job j) {
    return j.status() == JobStatus.QUEUED && !j.tracked();
  }
}
