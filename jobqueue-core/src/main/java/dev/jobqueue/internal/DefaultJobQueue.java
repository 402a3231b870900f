package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobListener;
import dev.jobqueue.JobLog;
import dev.jobqueue.JobLogListener;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobQueueClosedException;
import dev.jobqueue.JobQueueException;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import dev.jobqueue.JobTracker;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.Schedule;
import dev.jobqueue.Subscription;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's facade: wires its parts and answers {@link JobQueue} calls. A job flows through
 * {@link Submission} (stored, queued) → {@link Dispatcher} (claimed by a worker) → {@link Attempts}
 * (handler run, end stored) with {@link Commands} for what users do to it meanwhile; every change
 * is a {@link Transitions} change written by {@link JobWrites}, whose events the {@link EventHub}
 * releases in version order and whose effects {@link ChangeEffects} applies ({@link Lineage} for
 * parents and dependents). {@link Maintenance} recovers, renews leases and purges.
 */
public final class DefaultJobQueue implements JobQueue {
  private static final Logger log = LoggerFactory.getLogger(DefaultJobQueue.class);

  private final QueueConfig config;
  private final JobStore store;
  private final EventHub hub;
  private final Submission submission;
  private final Commands commands;
  private final Dispatcher dispatcher;
  private final Maintenance maintenance;
  private final Shutdown shutdown;
  private final TrackedJobs tracker;
  private final Schedules schedules;
  private final ScheduledThreadPoolExecutor scheduler;
  private final PausedTypes paused;
  private final JobLogs logs;

  /** Completes the futures of {@link #completion}; a thread per blocked callback, none idle. */
  private final ThreadPoolExecutor completions;

  private final AtomicBoolean closed = new AtomicBoolean();

  /** Applies the changes other instances commit to a shared store (see {@link #feed}). */
  private final ForeignChanges foreignChanges;

  /** Stops the store's change feed; a no-op for stores without one. */
  private volatile AutoCloseable feed = () -> {};

  /**
   * The store's feed delivers every change, this queue's own included: listeners get their events
   * from it, in the store's order and with the store's ids (see {@link EventHub}).
   */
  private final boolean storeOrdered;

  private DefaultJobQueue(QueueConfig config) {
    this.config = config;
    this.store = config.store();
    this.completions =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new NamedThreadFactory("jobqueue-completion", true));
    this.storeOrdered = ForeignChanges.storeOrdered(store);
    this.hub =
        new EventHub(
            config.listenerBuffer(), config.clock().millis() * 1000, completions, storeOrdered);
    this.scheduler =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("jobqueue-scheduler", true));
    this.scheduler.setRemoveOnCancelPolicy(true);

    JobWrites writes = new JobWrites(store, hub, config.clock());
    RunTimes runTimes = new RunTimes();
    Executions executions = new Executions();
    Recovery recovery = new Recovery(config, runTimes);
    Timeouts timeouts = new Timeouts(config.timeouts(), config.trackedInactivityTimeout());
    Lineage lineage = new Lineage(store, writes, scheduler);
    this.commands = new Commands(config, writes, hub, executions, runTimes);
    Dispatcher[] late = new Dispatcher[1]; // submission wakes workers that are made after it
    this.submission =
        new Submission(
            config, writes, lineage, runTimes, at -> late[0].wakeAt(at), commands::cancelQuietly);
    Attempts attempts =
        new Attempts(
            config.handlers(),
            store,
            writes,
            executions,
            runTimes,
            config.backoff(),
            config.instanceId(),
            submission,
            timeouts,
            recovery,
            scheduler);
    this.paused =
        new PausedTypes(store, () -> late[0].signalWork(), types -> late[0].withdrawTypes(types));
    Admission admission =
        new Admission(
            config.handlers().keySet(), config.concurrency(), config.rateLimits(), paused);
    this.dispatcher = new Dispatcher(config, writes, admission, executions, attempts, scheduler);
    late[0] = dispatcher;
    this.foreignChanges =
        new ForeignChanges(
            config.instanceId(), hub, executions, dispatcher::signalWork, storeOrdered);
    this.schedules = new Schedules(config, hub, submission, dispatcher::wakeAt);
    writes.aroundQueuedChange(dispatcher::withdraw);
    this.logs = new JobLogs(store, config.clock());
    attempts.logs(logs);
    writes.effects(new ChangeEffects(runTimes, dispatcher, lineage, commands));
    this.maintenance = new Maintenance(config, writes, executions, commands, recovery, timeouts);
    this.tracker =
        new TrackedJobs(
            submission, writes, runTimes, config.instanceId(), config.lease(), this::requireOpen);
    this.shutdown =
        new Shutdown(
            config,
            dispatcher,
            executions,
            attempts,
            hub,
            scheduler,
            completions,
            () -> {
              if (storeOrdered) {
                closeFeed(); // brings this queue's last changes to its listeners first
              }
            });
  }

  public static String randomInstanceId() {
    return "queue-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  }

  /** Builds the queue, recovers what a previous run left running, and starts the workers. */
  public static JobQueue start(QueueConfig config) {
    DefaultJobQueue q = new DefaultJobQueue(config);
    q.maintenance.recoverInterrupted();
    q.paused.refresh();
    if (config.store().isShared()) {
      q.paused.schedule(q.scheduler, config.pollInterval().toMillis());
    }
    q.dispatcher.start();
    q.maintenance.schedule(q.scheduler);
    q.schedules.start(q.scheduler);
    q.feed = ForeignChanges.subscribe(config.store(), q.foreignChanges);
    log.info(
        "job queue {} started: {} workers, handlers {}, store {}",
        config.instanceId(),
        config.workers(),
        new TreeSet<>(config.handlers().keySet()),
        config.store().getClass().getSimpleName());
    return q;
  }

  @Override
  public Job submit(JobRequest request) {
    requireOpen();
    return submission.submit(request);
  }

  @Override
  public List<Job> submitAll(List<JobRequest> requests) {
    requireOpen();
    return submission.submitAll(requests);
  }

  @Override
  public RecurringSchedule schedule(String scheduleId, Schedule schedule, JobRequest template) {
    requireOpen();
    return schedules.schedule(scheduleId, schedule, template);
  }

  @Override
  public List<RecurringSchedule> schedules() {
    return schedules.list();
  }

  @Override
  public RecurringSchedule pauseSchedule(String scheduleId) {
    requireOpen();
    return schedules.pause(scheduleId);
  }

  @Override
  public RecurringSchedule resumeSchedule(String scheduleId) {
    requireOpen();
    return schedules.resume(scheduleId);
  }

  @Override
  public boolean deleteSchedule(String scheduleId) {
    requireOpen();
    return schedules.delete(scheduleId);
  }

  @Override
  public Job get(String jobId) {
    return find(jobId).orElseThrow(() -> new JobNotFoundException(jobId));
  }

  @Override
  public Optional<Job> find(String jobId) {
    if (jobId == null || jobId.isBlank()) {
      return Optional.empty();
    }
    return store.get(jobId);
  }

  @Override
  public List<Job> list(JobQuery query) {
    return store.query(query);
  }

  @Override
  public List<JobLog> logs(String jobId) {
    get(jobId);
    return logs.read(jobId);
  }

  @Override
  public Subscription subscribeLogs(JobLogListener listener) {
    requireOpen();
    return logs.subscribe(listener);
  }

  @Override
  public void pause(String type) {
    requireOpen();
    paused.pause(type);
  }

  @Override
  public void resume(String type) {
    requireOpen();
    paused.resume(type);
  }

  @Override
  public Set<String> pausedTypes() {
    return paused.current();
  }

  @Override
  public Set<String> handledTypes() {
    return config.handlers().keySet();
  }

  @Override
  public long lastSequence() {
    return hub.lastSequence();
  }

  @Override
  public Subscription subscribe(JobListener listener) {
    if (listener == null) {
      throw new NullPointerException("listener");
    }
    requireOpen();
    return hub.subscribe(listener);
  }

  @Override
  public JobTracker tracker() {
    return tracker;
  }

  @Override
  public Job cancel(String jobId) {
    requireOpen();
    return commands.cancel(jobId, false);
  }

  @Override
  public Job retry(String jobId) {
    requireOpen();
    return commands.retry(jobId);
  }

  @Override
  public void delete(String jobId) {
    requireOpen();
    commands.delete(jobId);
  }

  @Override
  public int deleteAll(JobStatus status, JobQuery scope) {
    requireOpen();
    return commands.deleteAll(status, scope);
  }

  @Override
  public int cleanup() {
    return commands.cleanup();
  }

  @Override
  public CompletableFuture<Job> completion(String jobId) {
    CompletableFuture<Job> f = hub.waiter(jobId);
    Optional<Job> cur = find(jobId);
    if (cur.isEmpty()) {
      hub.removeWaiter(jobId, f);
      f.completeExceptionally(new JobNotFoundException(jobId));
    } else if (cur.get().isTerminal()) {
      hub.removeWaiter(jobId, f);
      f.complete(cur.get());
    }
    return f.copy();
  }

  @Override
  public Job await(String jobId, Duration timeout) throws InterruptedException, TimeoutException {
    try {
      return completion(jobId).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new JobQueueException("waiting for job " + jobId + " failed", e.getCause());
    } catch (TimeoutException e) {
      TimeoutException te =
          new TimeoutException(
              "job " + jobId + " did not end within " + timeout + "; it keeps running");
      te.initCause(e);
      throw te;
    }
  }

  @Override
  public JobStats stats(String userId) {
    return StatsCalculator.compute(store, userId, config.clock().instant());
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new JobQueueClosedException("the job queue " + config.instanceId() + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    foreignChanges.closing();
    if (!storeOrdered) {
      closeFeed(); // its events are other instances'; this queue's own are published as made
    }
    shutdown.run();
    logs.close();
  }

  private void closeFeed() {
    try {
      feed.close();
    } catch (Exception e) {
      log.warn("closing the store's change feed failed", e);
    }
  }
}
