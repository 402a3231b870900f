package dev.jobqueue.internal;

import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogEvent;
import dev.jobqueue.JobLogListener;
import dev.jobqueue.Subscription;
import dev.jobqueue.spi.JobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handlers' log lines: kept per running attempt in a {@link LogBuffer}, and every {@link #TICK_MS}
 * ms handed, as the attempt's whole bounded log, to the store ({@link JobStore#writeLog}, which
 * durable stores coalesce further) and, as the new lines, to log listeners. A handler writing
 * 100,000 lines therefore costs at most ten store calls a second, never one per line. The work runs
 * on one thread of its own ({@code jobqueue-logs}), only while some attempt has unwritten lines.
 */
final class JobLogs {
  private static final Logger log = LoggerFactory.getLogger(JobLogs.class);

  /** How often new lines are written and published. */
  static final long TICK_MS = 100;

  private final JobStore store;
  private final Clock clock;
  private final ConcurrentHashMap<Execution, LogBuffer> buffers = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean tickScheduled = new AtomicBoolean();
  private final ScheduledExecutorService thread;
  private volatile boolean storeUnsupported;

  JobLogs(JobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("jobqueue-logs", true));
    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = t;
  }

  void append(Execution ex, String line) {
    Objects.requireNonNull(line, "line");
    if (ex.isDone() && !buffers.containsKey(ex)) {
      return; // written after its attempt ended and its log was written: too late to keep
    }
    buffers.computeIfAbsent(ex, LogBuffer::new).append(clock.instant(), line);
    if (tickScheduled.compareAndSet(false, true)) {
      schedule(TICK_MS);
    }
  }

  /** The attempt's handler returned: its last lines are written now rather than at the tick. */
  void ended(Execution ex) {
    if (buffers.containsKey(ex)) {
      tickScheduled.set(true);
      schedule(0);
    }
  }

  private void schedule(long delayMs) {
    try {
      thread.schedule(this::tick, delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      tickScheduled.set(false); // closing: close() writes what is left
    }
  }

  private void tick() {
    tickScheduled.set(false);
    try {
      flush(null);
    } catch (RuntimeException e) {
      log.error("writing job logs failed; trying again at the next tick", e);
    }
    boolean more = false;
    for (LogBuffer b : buffers.values()) {
      more |= b.hasUnwritten();
    }
    if (more && tickScheduled.compareAndSet(false, true)) {
      schedule(TICK_MS);
    }
  }

  /**
   * Writes and publishes what changed, of one job ({@code jobId}) or all; forgets buffers of
   * attempts that ended once written. Synchronized: a log is never written out of order.
   */
  private synchronized void flush(String jobId) {
    for (LogBuffer b : buffers.values()) {
      Execution ex = b.execution();
      if (jobId != null && !jobId.equals(ex.jobId())) {
        continue;
      }
      boolean done = ex.isDone();
      JobLog changed = b.takeChanged();
      if (changed != null) {
        write(changed);
        publish(b);
      }
      if (done && !b.hasUnwritten()) {
        buffers.remove(ex, b);
      }
    }
  }

  private void write(JobLog changed) {
    if (storeUnsupported) {
      return;
    }
    try {
      store.writeLog(changed);
    } catch (UnsupportedOperationException e) {
      storeUnsupported = true;
      log.warn("{}; job logs are kept in memory only while their attempt runs", e.getMessage());
    }
  }

  private void publish(LogBuffer b) {
    if (listeners.isEmpty()) {
      b.takeFresh();
      return;
    }
    LogBuffer.Fresh fresh = b.takeFresh();
    if (fresh.lines().isEmpty()) {
      return;
    }
    Execution ex = b.execution();
    JobLogEvent event =
        new JobLogEvent(ex.latest(), ex.attempt(), fresh.lines(), fresh.dropped(), fresh.written());
    for (Listener l : listeners) {
      l.deliver(event);
    }
  }

  /** The stored logs of {@code jobId} with this instance's unwritten lines written first. */
  List<JobLog> read(String jobId) {
    flush(jobId);
    if (storeUnsupported) {
      TreeMap<Integer, JobLog> live = new TreeMap<>();
      for (LogBuffer b : buffers.values()) {
        if (b.execution().jobId().equals(jobId)) {
          live.put(b.execution().attempt(), b.snapshot());
        }
      }
      return new ArrayList<>(live.values());
    }
    try {
      List<JobLog> out = new ArrayList<>(store.logs(jobId));
      out.sort(Comparator.comparingInt(JobLog::attempt));
      return out;
    } catch (UnsupportedOperationException e) {
      storeUnsupported = true;
      return read(jobId);
    }
  }

  Subscription subscribe(JobLogListener listener) {
    Listener l = new Listener(Objects.requireNonNull(listener, "listener"));
    listeners.add(l);
    return l;
  }

  /** Writes what is left and stops the thread. */
  void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      flush(null);
    } catch (RuntimeException e) {
      log.warn("writing the last job log lines at close failed", e);
    }
    buffers.clear();
  }

  private final class Listener implements Subscription {
    private final JobLogListener target;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    Listener(JobLogListener target) {
      this.target = target;
    }

    void deliver(JobLogEvent e) {
      try {
        target.onLog(e);
        delivered.incrementAndGet();
      } catch (RuntimeException ex) {
        failures.incrementAndGet();
        log.error("job log listener {} failed on job {}", target, e.jobId(), ex);
      }
    }

    @Override
    public long delivered() {
      return delivered.get();
    }

    @Override
    public long coalesced() {
      return 0;
    }

    @Override
    public long failures() {
      return failures.get();
    }

    @Override
    public int backlog() {
      return 0;
    }

    @Override
    public void close() {
      listeners.remove(this);
    }
  }
}
