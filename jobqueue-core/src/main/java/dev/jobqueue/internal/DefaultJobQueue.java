package dev.jobqueue.internal;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobHandler;
import dev.jobqueue.JobListener;
import dev.jobqueue.JobNotCancelableException;
import dev.jobqueue.JobNotFoundException;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobQueueException;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import dev.jobqueue.JobTracker;
import dev.jobqueue.RecoveryPolicy;
import dev.jobqueue.Subscription;
import dev.jobqueue.UnknownJobTypeException;
import dev.jobqueue.spi.ClaimRequest;
import dev.jobqueue.spi.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue: every job operation is a compare-and-set loop over the store (read, compute the next
 * snapshot, update with the read version, retry on conflict), followed by one published event and
 * the change's effects (parents, dependents, children, waiting workers).
 */
public final class DefaultJobQueue implements JobQueue {
  private static final Logger log = LoggerFactory.getLogger(DefaultJobQueue.class);
  private static final Duration PARENT_REFRESH_DELAY = Duration.ofMillis(100);

  final QueueConfig config;
  final JobStore store;
  private final Map<String, JobHandler> handlers;
  final String instanceId;
  private final EventHub hub;
  private final Admission admission;
  private final ReentrantLock claimLock = new ReentrantLock();
  private final ConcurrentHashMap<String, Execution> executions = new ConcurrentHashMap<>();

  /** Jobs cancelled after this instance claimed them and before their execution was registered. */
  private final Set<String> cancelsBeforeStart = ConcurrentHashMap.newKeySet();

  /** Jobs claimed in a batch, marked running, waiting for a free worker. */
  private final ConcurrentLinkedQueue<Execution> prefetched = new ConcurrentLinkedQueue<>();

  private final AtomicLong signals = new AtomicLong();
  private final ConcurrentLinkedQueue<Thread> idleWorkers = new ConcurrentLinkedQueue<>();
  private final AtomicInteger finishesInFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, RunTime> typeRunTimes = new ConcurrentHashMap<>();

  /**
   * Whether a queued job may wait for another to complete: always for a shared store, else once
   * this queue has seen such a job or found queued jobs at start (it cannot cheaply tell which).
   */
  private volatile boolean dependentsPossible;

  private final Set<String> dirtyParents = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean parentRefreshScheduled = new AtomicBoolean();
  private final ScheduledThreadPoolExecutor scheduler;

  /** Runs the end of attempts whose durable write finished on a store thread. */
  private final ExecutorService completer;

  /** Completes the futures of {@link #completion}; a thread per blocked callback, none idle. */
  private final ThreadPoolExecutor completions;

  private final CountDownLatch workersDone;
  private final List<Thread> ownWorkerThreads = new ArrayList<>();
  private final TrackedJobs tracker = new TrackedJobs(this);
  private final int claimBatch;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean stopping;

  private DefaultJobQueue(QueueConfig config) {
    this.config = config;
    this.store = config.store();
    this.handlers = config.handlers();
    this.instanceId = config.instanceId();
    this.completions =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new NamedThreadFactory("jobqueue-completion", true));
    this.hub = new EventHub(config.listenerBuffer(), config.clock().millis() * 1000, completions);
    this.admission = new Admission(handlers.keySet(), config.concurrency(), config.rateLimits());
    this.claimBatch = admission.limited() ? 1 : config.claimBatch();
    this.scheduler =
        new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("jobqueue-scheduler", true));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.completer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            new NamedThreadFactory("jobqueue-completer", true));
    this.workersDone = new CountDownLatch(config.workers());
  }

  public static String randomInstanceId() {
    return "queue-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  }

  public static JobQueue start(QueueConfig config) {
    DefaultJobQueue q = new DefaultJobQueue(config);
    q.dependentsPossible =
        config.store().isShared()
            || !config
                .store()
                .query(JobQuery.builder().status(JobStatus.QUEUED).limit(1).build())
                .isEmpty();
    q.recoverInterrupted();
    q.startBackgroundWork();
    log.info(
        "job queue {} started: {} workers, handlers {}, store {}",
        q.instanceId,
        config.workers(),
        handlers(config),
        config.store().getClass().getSimpleName());
    return q;
  }

  private static Set<String> handlers(QueueConfig c) {
    return new java.util.TreeSet<>(c.handlers().keySet());
  }

  Instant now() {
    return config.clock().instant();
  }

  // ================================================================ submit

  @Override
  public Job submit(JobRequest request) {
    requireOpen();
    if (!handlers.containsKey(request.type())) {
      throw new UnknownJobTypeException(request.type(), handlers.keySet());
    }
    return insertNew(request, false);
  }

  @Override
  public List<Job> submitAll(List<JobRequest> requests) {
    requireOpen();
    for (JobRequest r : requests) {
      if (!handlers.containsKey(r.type())) {
        throw new UnknownJobTypeException(r.type(), handlers.keySet());
      }
    }
    List<Job> out = new ArrayList<>(requests.size());
    List<Job> plain = new ArrayList<>(requests.size());
    for (JobRequest r : requests) {
      // Children and dependents need their parent and dependencies checked one by one.
      if (r.parentJobId() != null || !r.dependsOn().isEmpty()) {
        continue;
      }
      plain.add(newJob(r, r.userId(), false, now()));
    }
    List<EventHub.Pending> events = new ArrayList<>(plain.size());
    for (Job j : plain) {
      events.add(hub.begin(JobEvent.Kind.CREATED, j, true));
    }
    boolean stored = false;
    try {
      store.insertAll(plain);
      stored = true;
    } finally {
      hub.resolveAll(events, stored);
    }
    if (!plain.isEmpty()) {
      signalWork();
    }
    int next = 0;
    for (JobRequest r : requests) {
      out.add(
          r.parentJobId() != null || !r.dependsOn().isEmpty()
              ? insertNew(r, false)
              : plain.get(next++));
    }
    return out;
  }

  Job spawn(Execution parent, JobRequest child) {
    JobRequest withParent =
        new JobRequest(
            child.type(),
            child.title(),
            child.description(),
            child.input(),
            child.priority(),
            parent.jobId(),
            child.dependsOn(),
            child.maxAttempts(),
            child.optional(),
            child.userId(),
            child.cancelable(),
            child.totalSteps());
    return submit(withParent);
  }

  private Job newJob(JobRequest request, String userId, boolean tracked, Instant now) {
    return new Job.Builder()
        .id(Ids.newId(now.toEpochMilli()))
        .type(request.type())
        .status(JobStatus.QUEUED)
        .createdAt(now)
        .updatedAt(now)
        .title(request.title())
        .description(request.description())
        .input(request.input())
        .priority(request.priority())
        .parentJobId(request.parentJobId())
        .dependsOn(request.dependsOn())
        .maxAttempts(
            request.maxAttempts() != null ? request.maxAttempts() : config.defaultMaxAttempts())
        .optional(request.optional())
        .userId(userId)
        .cancelable(request.cancelable())
        .totalSteps(request.totalSteps())
        .etaSeconds(typeMean(request.type()))
        .tracked(tracked)
        .build();
  }

  Job insertNew(JobRequest request, boolean tracked) {
    Job parent = null;
    String userId = request.userId();
    if (request.parentJobId() != null) {
      parent =
          store
              .get(request.parentJobId())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "parent job " + request.parentJobId() + " does not exist"));
      if (parent.isTerminal()) {
        throw new JobStateException(
            parent.id(),
            parent.status(),
            "cannot add a child to job "
                + parent.id()
                + ": it is already "
                + parent.status().wireName());
      }
      if (userId == null) {
        userId = parent.userId();
      } else if (parent.userId() != null && !parent.userId().equals(userId)) {
        throw new IllegalArgumentException(
            "a child job must belong to its parent's user ("
                + parent.userId()
                + "), got "
                + userId);
      }
    }
    if (!request.dependsOn().isEmpty()) {
      dependentsPossible = true;
    }
    for (String dep : request.dependsOn()) {
      if (store.get(dep).isEmpty()) {
        throw new IllegalArgumentException("dependency " + dep + " of the new job does not exist");
      }
    }
    Job job = newJob(request, userId, tracked, now());
    hub.written(
        JobEvent.Kind.CREATED,
        job,
        true,
        () -> {
          store.insert(job);
          return true;
        });
    if (log.isDebugEnabled()) {
      log.debug("created {}", job.describe());
    }
    if (parent != null) {
      addChild(parent.id(), job);
    }
    // A dependency may have failed between our check and our insert; its own check of dependents
    // may have missed us, so look again now that we are stored.
    if (!request.dependsOn().isEmpty()) {
      for (String dep : request.dependsOn()) {
        Optional<Job> d = store.get(dep);
        if (d.isPresent()
            && (d.get().status() == JobStatus.FAILED || d.get().status() == JobStatus.CANCELLED)) {
          failDependent(job.id(), d.get());
          break;
        }
      }
    }
    if (!tracked) {
      signalWork();
    }
    // A parent or a failed dependency may have changed the new job already; otherwise the
    // inserted snapshot is the answer and a read would only cost a durable store a round trip.
    return parent == null && request.dependsOn().isEmpty() ? job : store.get(job.id()).orElse(job);
  }

  private void addChild(String parentId, Job child) {
    Job parent =
        mutate(
            parentId,
            (cur, next) -> {
              if (cur.childJobIds().contains(child.id())) {
                return null;
              }
              List<String> ids = new ArrayList<>(cur.childJobIds());
              ids.add(child.id());
              return next.childJobIds(ids);
            });
    if (parent.status() == JobStatus.CANCELLED || parent.cancelRequested()) {
      cancelQuietly(child.id());
    }
    refreshParent(parentId);
  }

  // ================================================================ reads

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
  public Set<String> handledTypes() {
    return handlers.keySet();
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

  // ================================================================ the CAS loop

  /** Computes the next snapshot from the current one: modify and return {@code next}, or null. */
  @FunctionalInterface
  interface Transition {
    Job.Builder apply(Job current, Job.Builder next);
  }

  /**
   * Applies {@code t} to the stored job until the compare-and-set succeeds, publishes the change
   * and runs its effects. Returns the stored snapshot (unchanged when {@code t} returned null).
   */
  Job mutate(String id, Transition t) {
    while (true) {
      Job cur = store.get(id).orElseThrow(() -> new JobNotFoundException(id));
      Job.Builder b = t.apply(cur, cur.toBuilder().version(cur.version() + 1).updatedAt(now()));
      if (b == null) {
        return cur;
      }
      Job next = b.build();
      if (update(cur, next)) {
        changed(cur, next);
        return next;
      }
    }
  }

  /** Stores {@code next} over {@code prev}, its event queued before the write (see EventHub). */
  boolean update(Job prev, Job next) {
    return write(prev, next, false);
  }

  /** Like {@link #update}, for a progress report that a store may coalesce. */
  boolean updateProgress(Job prev, Job next) {
    return write(prev, next, true);
  }

  private boolean write(Job prev, Job next, boolean progress) {
    long version = prev.version();
    return hub.written(
        JobEvent.Kind.UPDATED,
        next,
        prev.status() != next.status(),
        progress ? () -> store.updateProgress(next, version) : () -> store.update(next, version));
  }

  private boolean deleteVersion(Job cur) {
    return hub.written(
        JobEvent.Kind.DELETED, cur, true, () -> store.delete(cur.id(), cur.version()));
  }

  /** Applies what follows from a stored change (its event is already on its way). */
  void changed(Job prev, Job next) {
    boolean statusChanged = prev.status() != next.status();
    if (statusChanged && log.isDebugEnabled()) {
      log.debug(
          "job {} ({}) {} -> {}",
          next.id(),
          next.type(),
          prev.status().wireName(),
          next.status().wireName());
    }
    boolean cancelAsked = next.cancelRequested() && !prev.cancelRequested();
    if (statusChanged) {
      switch (next.status()) {
        case COMPLETED -> {
          recordRunTime(next);
          // A worker that finishes a job claims again by itself; only a freed concurrency slot or
          // a dependent that may now run is worth waking an idle worker for.
          if (admission.limited() || dependentsPossible) {
            signalWork();
          }
        }
        case FAILED, CANCELLED -> failDependents(next);
        case QUEUED -> wakeAt(next.runAt());
        case RUNNING -> {}
      }
    }
    if (statusChanged && next.status() == JobStatus.CANCELLED || cancelAsked) {
      for (String child : next.childJobIds()) {
        cancelQuietly(child);
      }
    }
    if (next.parentJobId() != null) {
      if (statusChanged && next.isTerminal()) {
        refreshParent(next.parentJobId());
      } else {
        markParentDirty(next.parentJobId());
      }
    }
  }

  // ================================================================ cancel / retry / delete

  @Override
  public Job cancel(String jobId) {
    requireOpen();
    return cancel(jobId, false);
  }

  private Job cancel(String jobId, boolean cascade) {
    Job result =
        mutate(
            jobId,
            (cur, next) -> {
              if (cur.isTerminal()) {
                if (cascade) {
                  return null;
                }
                throw new IllegalJobTransitionException(
                    jobId, cur.status(), JobStatus.CANCELLED, "it has already ended");
              }
              if (!cur.cancelable() && !cascade) {
                throw new JobNotCancelableException(jobId, cur.status());
              }
              // Nothing runs a queued job, a tracked one (the host is told by the exception its
              // next
              // progress report throws) or a parent whose handler returned: those end now.
              if (cur.status() == JobStatus.QUEUED || cur.tracked() || cur.awaitingChildren()) {
                return next.status(JobStatus.CANCELLED)
                    .completedAt(now())
                    .etaSeconds(null)
                    .awaitingChildren(false);
              }
              return cur.cancelRequested() ? null : next.cancelRequested(true);
            });
    if (result.cancelRequested()
        && result.status() == JobStatus.RUNNING
        && instanceId.equals(result.owner())) {
      // Claimed here, but its execution may not be registered yet: leave word for the worker
      // first, then look, so that one of us always sees the other.
      cancelsBeforeStart.add(jobId);
      Execution ex = executions.get(jobId);
      if (ex != null) {
        cancelsBeforeStart.remove(jobId);
        ex.cancel();
        log.debug("cancel requested for running job {}", jobId);
      }
    }
    return result;
  }

  private void cancelQuietly(String jobId) {
    try {
      cancel(jobId, true);
    } catch (JobNotFoundException e) {
      log.debug("child {} vanished before it could be cancelled", jobId);
    }
  }

  @Override
  public Job retry(String jobId) {
    requireOpen();
    return mutate(
        jobId,
        (cur, next) -> {
          if (cur.status() != JobStatus.FAILED && cur.status() != JobStatus.CANCELLED) {
            throw new IllegalJobTransitionException(
                jobId,
                cur.status(),
                JobStatus.QUEUED,
                "only failed or cancelled jobs can be retried");
          }
          if (cur.tracked()) {
            throw new JobStateException(
                jobId,
                cur.status(),
                "job "
                    + jobId
                    + " is tracked: the host application runs it, so retry it from there");
          }
          if (!handlers.containsKey(cur.type())) {
            throw new UnknownJobTypeException(cur.type(), handlers.keySet());
          }
          for (String dep : cur.dependsOn()) {
            Optional<Job> d = store.get(dep);
            if (d.isPresent()
                && (d.get().status() == JobStatus.FAILED
                    || d.get().status() == JobStatus.CANCELLED)) {
              throw new JobStateException(
                  jobId,
                  cur.status(),
                  "job "
                      + jobId
                      + " cannot be retried while its dependency "
                      + dep
                      + " is "
                      + d.get().status().wireName()
                      + "; retry "
                      + dep
                      + " first");
            }
          }
          int attempt = cur.attempt() + 1;
          return requeued(next, cur)
              .attempt(attempt)
              .maxAttempts(Math.max(cur.maxAttempts(), attempt))
              .error(null)
              .result(null)
              .warnings(List.of())
              .childJobIds(List.of())
              .runAt(null);
        });
  }

  /** The fields every move back to queued resets. */
  private Job.Builder requeued(Job.Builder next, Job cur) {
    return next.status(JobStatus.QUEUED)
        .startedAt(null)
        .completedAt(null)
        .progress(0.0)
        .progressMessage(null)
        .currentStep(null)
        .owner(null)
        .leaseExpiresAt(null)
        .cancelRequested(false)
        .awaitingChildren(false)
        .etaSeconds(typeMean(cur.type()));
  }

  @Override
  public void delete(String jobId) {
    requireOpen();
    while (true) {
      Job cur = get(jobId);
      if (cur.status().isActive()) {
        throw new JobStateException(
            jobId,
            cur.status(),
            "job "
                + jobId
                + " is "
                + cur.status().wireName()
                + "; cancel it or wait until it ends before deleting it");
      }
      if (deleteVersion(cur)) {
        if (log.isDebugEnabled()) {
          log.debug("deleted {}", cur.describe());
        }
        for (String child : cur.childJobIds()) {
          store
              .get(child)
              .filter(Job::isTerminal)
              .ifPresent(
                  c -> {
                    try {
                      delete(c.id());
                    } catch (JobNotFoundException | JobStateException e) {
                      log.debug(
                          "child {} of deleted job {} not deleted: {}",
                          c.id(),
                          jobId,
                          e.getMessage());
                    }
                  });
        }
        return;
      }
    }
  }

  @Override
  public int deleteAll(JobStatus status, JobQuery scope) {
    requireOpen();
    if (status == null || !status.isTerminal()) {
      throw new IllegalArgumentException(
          "only completed, failed or cancelled jobs can be deleted"
              + " in bulk, got "
              + (status == null ? null : status.wireName()));
    }
    JobQuery q =
        new JobQuery(
            Set.of(status),
            scope == null ? null : scope.type(),
            scope == null ? null : scope.parentJobId(),
            scope == null ? null : scope.userId(),
            scope == null ? null : scope.text(),
            null,
            JobQuery.MAX_LIMIT);
    int n = 0;
    for (Job j : store.query(q)) {
      if (deleteVersion(j)) {
        n++;
      }
    }
    log.debug("deleted {} {} jobs", n, status.wireName());
    return n;
  }

  @Override
  public int cleanup() {
    Instant cutoff = now().minus(config.retention().maxAge());
    List<Job> purged = store.purge(cutoff, config.retention().keepLast());
    for (Job j : purged) {
      hub.publishStored(JobEvent.Kind.DELETED, j);
    }
    if (!purged.isEmpty()) {
      log.info("retention purged {} finished jobs", purged.size());
    }
    return purged.size();
  }

  // ================================================================ waiting

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

  // ================================================================ stats

  @Override
  public JobStats stats(String userId) {
    return StatsCalculator.compute(store, userId, now());
  }

  // ================================================================ workers

  private void startBackgroundWork() {
    Runnable loop = this::workerLoop;
    for (int i = 0; i < config.workers(); i++) {
      if (config.executor() != null) {
        config.executor().execute(loop);
      } else {
        Thread t = new Thread(loop, "jobqueue-worker-" + (i + 1));
        t.setDaemon(true);
        ownWorkerThreads.add(t);
        t.start();
      }
    }
    long heartbeat = Math.max(50, config.lease().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    long retention = config.retention().interval().toMillis();
    scheduler.scheduleWithFixedDelay(
        this::cleanupSafely, retention, retention, TimeUnit.MILLISECONDS);
  }

  private void workerLoop() {
    Thread me = Thread.currentThread();
    try {
      while (!stopping) {
        long seen = signals.get();
        Execution ex;
        try {
          ex = nextExecution();
        } catch (RuntimeException e) {
          log.error("claiming work failed; retrying in {}", config.pollInterval(), e);
          LockSupport.parkNanos(this, config.pollInterval().toNanos());
          continue;
        }
        if (ex != null) {
          run(ex);
          continue;
        }
        long waitNanos = config.pollInterval().toNanos();
        if (admission.limited()) {
          claimLock.lock();
          try {
            long permitMs = admission.millisUntilPermit(now());
            if (permitMs >= 0) {
              waitNanos = Math.min(waitNanos, TimeUnit.MILLISECONDS.toNanos(permitMs));
            }
          } finally {
            claimLock.unlock();
          }
        }
        idleWorkers.add(me);
        if (signals.get() == seen && !stopping) {
          LockSupport.parkNanos(this, waitNanos);
        }
        idleWorkers.remove(me);
      }
    } finally {
      workersDone.countDown();
    }
  }

  private Execution nextExecution() {
    Execution ex = prefetched.poll();
    if (ex != null) {
      return ex;
    }
    Instant now = now();
    List<Job> claimed;
    if (admission.limited()) {
      claimLock.lock();
      try {
        Set<String> types = admission.eligible(now);
        if (types.isEmpty()) {
          return null;
        }
        claimed = claim(new ClaimRequest(types, now, instanceId, now.plus(config.lease()), 1));
        for (Job j : claimed) {
          admission.started(j.type(), now);
        }
      } finally {
        claimLock.unlock();
      }
    } else {
      if (handlers.isEmpty()) {
        return null;
      }
      claimed =
          claim(
              new ClaimRequest(
                  handlers.keySet(), now, instanceId, now.plus(config.lease()), claimBatch));
      for (Job j : claimed) {
        admission.started(j.type(), now);
      }
    }
    Execution first = null;
    for (Job j : claimed) {
      Execution e = new Execution(this, j);
      executions.put(j.id(), e);
      if (!cancelsBeforeStart.isEmpty() && cancelsBeforeStart.remove(j.id())) {
        e.cancel(); // cancelled between the claim and now
      }
      if (j.parentJobId() != null) {
        markParentDirty(j.parentJobId());
      }
      if (first == null) {
        first = e;
      } else {
        prefetched.add(e);
        signalWork();
      }
    }
    return first;
  }

  private List<Job> claim(ClaimRequest request) {
    EventHub.Pending events = hub.beginClaim();
    List<Job> claimed = List.of();
    try {
      claimed = store.claim(request);
      return claimed;
    } finally {
      events.resolveClaim(claimed);
    }
  }

  private void run(Execution ex) {
    Job job = ex.latest();
    JobHandler handler = handlers.get(job.type());
    ex.bind(Thread.currentThread());
    Map<String, Object> result = null;
    Throwable failure = null;
    if (!ex.isCancelled()) {
      try {
        Map<String, Object> raw = handler.run(ex);
        result = raw == null ? null : JsonValues.copyObject(raw);
      } catch (Throwable t) {
        failure = t;
        if (t instanceof VirtualMachineError) {
          log.error("job {} hit a fatal error", job.id(), t);
        }
      }
    }
    ex.finish();
    Thread.interrupted(); // a late cancel must not leak into the next job
    executions.remove(job.id(), ex);
    if (!cancelsBeforeStart.isEmpty()) {
      cancelsBeforeStart.remove(job.id());
    }
    admission.finished(job.type());
    finishAttempt(ex, result, failure);
  }

  /** Stores the end of an attempt without making the worker wait for durability. */
  private void finishAttempt(Execution ex, Map<String, Object> result, Throwable failure) {
    Job cur = ex.latest();
    Job next = endOf(cur, ex, result, failure);
    if (next == null) {
      return;
    }
    finishesInFlight.incrementAndGet();
    EventHub.Pending event = hub.begin(JobEvent.Kind.UPDATED, next, cur.status() != next.status());
    CompletableFuture<Boolean> write;
    try {
      write = store.updateAsync(next, cur.version());
    } catch (RuntimeException e) {
      write = CompletableFuture.failedFuture(e);
    }
    if (write.isDone()) {
      event.resolve(!write.isCompletedExceptionally() && Boolean.TRUE.equals(write.getNow(false)));
      afterFinishWrite(ex, cur, next, write, result, failure);
    } else {
      CompletableFuture<Boolean> w = write;
      write.whenComplete(
          (ok, err) -> {
            event.resolve(Boolean.TRUE.equals(ok));
            if (Boolean.TRUE.equals(ok) && touchesNoOtherJob(next)) {
              // Publishing and waking a worker never call the store, so they may run on the store's
              // thread; this saves a thread hand-off per job, which on 2 cores is most of the cost.
              afterFinishWrite(ex, cur, next, w, result, failure);
            } else {
              completer.execute(() -> afterFinishWrite(ex, cur, next, w, result, failure));
            }
          });
    }
  }

  /** A completed job without parent or children: its effects stay in memory. */
  private static boolean touchesNoOtherJob(Job next) {
    return next.status() == JobStatus.COMPLETED
        && next.parentJobId() == null
        && next.childJobIds().isEmpty();
  }

  private void afterFinishWrite(
      Execution ex,
      Job cur,
      Job next,
      CompletableFuture<Boolean> write,
      Map<String, Object> result,
      Throwable failure) {
    try {
      boolean ok;
      try {
        ok = write.join();
      } catch (RuntimeException e) {
        log.warn("storing the end of job {} failed; trying again", cur.id(), e);
        ok = false;
      }
      if (ok) {
        endStored(cur, next);
        return;
      }
      // Someone changed the job meanwhile (a cancel, a parent refresh): recompute from the latest.
      while (true) {
        Optional<Job> latest = store.get(cur.id());
        if (latest.isEmpty()) {
          return;
        }
        Job n = endOf(latest.get(), ex, result, failure);
        if (n == null) {
          return;
        }
        if (update(latest.get(), n)) {
          endStored(latest.get(), n);
          return;
        }
      }
    } catch (RuntimeException e) {
      log.error("could not store the end of job {}; it stays running until recovered", cur.id(), e);
    } finally {
      finishesInFlight.decrementAndGet();
    }
  }

  private void endStored(Job prev, Job next) {
    changed(prev, next);
    if (next.awaitingChildren()) {
      refreshParent(next.id());
    }
  }

  /** The snapshot that ends this attempt, or null when the attempt no longer owns the job. */
  private Job endOf(Job cur, Execution ex, Map<String, Object> result, Throwable failure) {
    if (cur.status() != JobStatus.RUNNING
        || cur.attempt() != ex.attempt()
        || !instanceId.equals(cur.owner())
        || cur.awaitingChildren()) {
      return null;
    }
    Instant now = now();
    if (failure == null
        && !cur.cancelRequested()
        && !ex.isCancelled()
        && cur.childJobIds().isEmpty()) {
      return Snapshots.completed(cur, now, result);
    }
    Job.Builder b = cur.toBuilder().version(cur.version() + 1).updatedAt(now);
    if (cur.cancelRequested() || ex.isCancelled()) {
      return b.status(JobStatus.CANCELLED).completedAt(now).etaSeconds(null).build();
    }
    if (failure != null) {
      String error = describe(failure);
      if (cur.attempt() < cur.maxAttempts()) {
        Duration delay = config.backoff().delayAfter(cur.attempt());
        return requeued(b, cur)
            .attempt(cur.attempt() + 1)
            .error(error)
            .runAt(now.plus(delay))
            .progressMessage(
                "attempt "
                    + cur.attempt()
                    + " of "
                    + cur.maxAttempts()
                    + " failed; retrying in "
                    + humanSeconds(delay))
            .build();
      }
      return b.status(JobStatus.FAILED).completedAt(now).error(error).etaSeconds(null).build();
    }
    if (!cur.childJobIds().isEmpty()) {
      return b.awaitingChildren(true).result(result).build();
    }
    return b.status(JobStatus.COMPLETED)
        .completedAt(now)
        .result(result)
        .error(null)
        .progress(1.0)
        .etaSeconds(null)
        .build();
  }

  private static String describe(Throwable t) {
    if (t instanceof InterruptedException) {
      return "interrupted";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private static String humanSeconds(Duration d) {
    double s = d.toMillis() / 1000.0;
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.format("%.1f", s)) + " s";
  }

  void reportProgress(
      Execution ex, double fraction, String message, Integer current, Integer total) {
    Job base = ex.latest();
    while (true) {
      if (base.status() != JobStatus.RUNNING || base.cancelRequested()) {
        if (base.cancelRequested() || base.status() == JobStatus.CANCELLED) {
          ex.cancel();
        }
        throw new JobCancelledException(ex.jobId());
      }
      Instant now = now();
      Job next =
          base.toBuilder()
              .version(base.version() + 1)
              .updatedAt(now)
              .progress(fraction)
              .progressMessage(message)
              .currentStep(current != null ? current : base.currentStep())
              .totalSteps(total != null ? total : base.totalSteps())
              .etaSeconds(Progress.eta(base, fraction, now, typeMean(base.type())))
              .build();
      if (updateProgress(base, next)) {
        ex.latest(next);
        changed(base, next);
        return;
      }
      base = store.get(ex.jobId()).orElseThrow(() -> new JobCancelledException(ex.jobId()));
      ex.latest(base);
    }
  }

  void signalWork() {
    signals.incrementAndGet();
    Thread idle = idleWorkers.poll();
    if (idle != null) {
      LockSupport.unpark(idle);
    }
  }

  private void wakeAt(Instant runAt) {
    if (runAt == null) {
      signalWork();
      return;
    }
    long delay = Duration.between(now(), runAt).toMillis();
    if (delay <= 0) {
      signalWork();
    } else if (!stopping) {
      scheduler.schedule(this::signalWork, delay, TimeUnit.MILLISECONDS);
    }
  }

  // ================================================================ parents and dependents

  private void markParentDirty(String parentId) {
    dirtyParents.add(parentId);
    if (parentRefreshScheduled.compareAndSet(false, true) && !stopping) {
      try {
        scheduler.schedule(
            this::refreshDirtyParents, PARENT_REFRESH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        parentRefreshScheduled.set(false);
      }
    }
  }

  private void refreshDirtyParents() {
    parentRefreshScheduled.set(false);
    for (String id : List.copyOf(dirtyParents)) {
      dirtyParents.remove(id);
      try {
        refreshParent(id);
      } catch (RuntimeException e) {
        log.warn("refreshing parent job {} failed", id, e);
      }
    }
  }

  /**
   * Derives a parent's progress and message from its children, starts a tracked parent when its
   * first child starts, and ends the parent when its own work is done and every child has ended.
   */
  void refreshParent(String parentId) {
    try {
      mutate(parentId, (p, next) -> ParentRollup.apply(p, next, store, now()));
    } catch (JobNotFoundException e) {
      log.debug("parent {} is gone", parentId);
    }
  }

  private void failDependents(Job dep) {
    List<Job> dependents =
        store.query(
            JobQuery.builder()
                .dependsOn(dep.id())
                .status(JobStatus.QUEUED)
                .limit(JobQuery.MAX_LIMIT)
                .build());
    for (Job d : dependents) {
      failDependent(d.id(), dep);
    }
  }

  private void failDependent(String jobId, Job dep) {
    try {
      mutate(
          jobId,
          (cur, next) ->
              cur.status() != JobStatus.QUEUED
                  ? null
                  : next.status(JobStatus.FAILED)
                      .completedAt(now())
                      .etaSeconds(null)
                      .error(
                          "dependency "
                              + dep.id()
                              + " ('"
                              + dep.title()
                              + "') "
                              + (dep.status() == JobStatus.CANCELLED
                                  ? "was cancelled"
                                  : "failed")));
    } catch (JobNotFoundException e) {
      log.debug("dependent {} vanished", jobId);
    }
  }

  // ================================================================ durations for ETAs

  /** Mean run time of one job type: an exponential moving average, so recent runs weigh more. */
  private static final class RunTime {
    /** Read on every submit (for the ETA), written on every completion. */
    private volatile double mean = Double.NaN;

    synchronized void add(double seconds) {
      double m = mean;
      mean = Double.isNaN(m) ? seconds : m * 0.8 + seconds * 0.2;
    }

    double mean() {
      return mean;
    }
  }

  private void recordRunTime(Job done) {
    Instant start = done.startedAt();
    Instant end = done.completedAt();
    if (start == null || end == null) {
      return;
    }
    double seconds =
        (end.getEpochSecond() - start.getEpochSecond()) + (end.getNano() - start.getNano()) / 1e9;
    RunTime t = typeRunTimes.get(done.type());
    if (t == null) {
      t = typeRunTimes.computeIfAbsent(done.type(), k -> new RunTime());
    }
    t.add(seconds);
  }

  Double typeMean(String type) {
    RunTime t = typeRunTimes.get(type);
    if (t == null) {
      return null;
    }
    double mean = t.mean();
    return Double.isNaN(mean) ? null : Math.round(mean * 10.0) / 10.0;
  }

  // ================================================================ recovery, heartbeat, retention

  private void recoverInterrupted() {
    List<Job> interrupted =
        store.isShared()
            ? store.expiredLeases(now(), 10_000)
            : store.query(
                JobQuery.builder().status(JobStatus.RUNNING).limit(JobQuery.MAX_LIMIT).build());
    for (Job j : interrupted) {
      recover(j);
    }
  }

  private void recover(Job found) {
    boolean shared = store.isShared();
    Job result =
        mutate(
            found.id(),
            (cur, next) -> {
              if (cur.status() != JobStatus.RUNNING
                  || cur.version() != found.version()
                  || shared
                      && (cur.leaseExpiresAt() == null || !cur.leaseExpiresAt().isBefore(now()))) {
                return null;
              }
              if (cur.awaitingChildren()) {
                // Its handler already returned; it ends when its children do. Release the dead
                // owner.
                return next.owner(null).leaseExpiresAt(null);
              }
              if (cur.cancelRequested()) {
                return next.status(JobStatus.CANCELLED).completedAt(now()).etaSeconds(null);
              }
              if (config.recoveryPolicy() == RecoveryPolicy.REQUEUE
                  && !cur.tracked()
                  && cur.attempt() < cur.maxAttempts()
                  && handlers.containsKey(cur.type())) {
                return requeued(next, cur)
                    .attempt(cur.attempt() + 1)
                    .error(Job.INTERRUPTED_ERROR)
                    .runAt(null);
              }
              return next.status(JobStatus.FAILED)
                  .completedAt(now())
                  .error(Job.INTERRUPTED_ERROR)
                  .etaSeconds(null);
            });
    if (result != found && result.version() == found.version() + 1) {
      log.info(
          "recovered job {} ({}) that was running on {}: now {}",
          found.id(),
          found.type(),
          found.owner(),
          result.status().wireName());
    }
  }

  private void heartbeat() {
    try {
      Instant now = now();
      store.renewLeases(instanceId, now.plus(config.lease()));
      if (store.isShared()) {
        for (Job j : store.expiredLeases(now, 100)) {
          recover(j);
        }
        // Cancels asked through another instance reach our running handlers here.
        for (Execution ex : executions.values()) {
          store.get(ex.jobId()).filter(Job::cancelRequested).ifPresent(j -> ex.cancel());
        }
      }
    } catch (RuntimeException e) {
      log.error("heartbeat failed; retrying in {} ms", config.lease().toMillis() / 3, e);
    }
  }

  private void cleanupSafely() {
    try {
      cleanup();
    } catch (RuntimeException e) {
      log.error("retention cleanup failed; retrying in {}", config.retention().interval(), e);
    }
  }

  // ================================================================ close

  void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the job queue " + instanceId + " is closed");
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stopping = true;
    for (Thread t; (t = idleWorkers.poll()) != null; ) {
      LockSupport.unpark(t);
    }
    for (Thread t : ownWorkerThreads) {
      LockSupport.unpark(t);
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    boolean drained = awaitLatch(workersDone, deadline);
    if (!drained) {
      List<String> stillRunning = new ArrayList<>(executions.keySet());
      log.warn(
          "job queue {}: {} jobs still running after {}; cancelling {}",
          instanceId,
          stillRunning.size(),
          config.shutdownTimeout(),
          stillRunning);
      for (Execution ex : executions.values()) {
        ex.cancel();
      }
      awaitLatch(workersDone, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }
    for (Execution ex; (ex = prefetched.poll()) != null; ) {
      returnToQueue(ex);
    }
    long finishDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (finishesInFlight.get() > 0 && System.nanoTime() < finishDeadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    scheduler.shutdownNow();
    completer.shutdown();
    try {
      completer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hub.closeListeners(TimeUnit.SECONDS.toMillis(5));
    hub.failWaiters(new IllegalStateException("the job queue " + instanceId + " was closed"));
    completions.shutdown();
    try {
      if (!completions.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("job queue {}: a completion callback still runs after close", instanceId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("job queue {} closed", instanceId);
  }

  /** A prefetched job that never started goes back to the queue, keeping its attempt. */
  private void returnToQueue(Execution ex) {
    executions.remove(ex.jobId(), ex);
    admission.finished(ex.latest().type());
    try {
      mutate(
          ex.jobId(),
          (cur, next) ->
              cur.status() != JobStatus.RUNNING || !instanceId.equals(cur.owner())
                  ? null
                  : requeued(next, cur).runAt(null));
    } catch (RuntimeException e) {
      log.warn(
          "could not return job {} to the queue at shutdown; it will be recovered at the next"
              + " start",
          ex.jobId(),
          e);
    }
  }

  private static boolean awaitLatch(CountDownLatch latch, long deadlineNanos) {
    try {
      return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
