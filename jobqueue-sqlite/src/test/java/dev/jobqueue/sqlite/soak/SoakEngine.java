package dev.jobqueue.sqlite.soak;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobCancelledException;
import dev.jobqueue.JobContext;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStateException;
import dev.jobqueue.JobStatus;
import dev.jobqueue.sqlite.SqliteJobStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A randomized, model-based soak of a {@link JobQueue} on a {@link SqliteJobStore}: submit (plain,
 * with dependencies), cancel, retry, delete, progress, spawn children, complete or fail running
 * jobs, and close + reopen on the same file. Handlers hold their job until the engine tells them
 * what to do, so the model knows every terminal change it caused; what the queue does by itself
 * (start a job, fail the dependents of a failed job, end a parent after its children, end jobs at
 * shutdown) is awaited and checked against the rules. After every step the touched jobs (and their
 * relatives) are checked against the model; every {@code SWEEP} steps and at every reopen, all of
 * them. Uses only the public API of core and the SQLite store.
 *
 * <p>Shared by the seconds-long {@code SoakTest} and the {@code benchmarks} runner {@code Soak}.
 */
public final class SoakEngine {
  static final String TYPE = "soak";
  private static final int SWEEP = 500;
  private static final int MAX_LIVE = 300;
  private static final long WAIT_SECONDS = 20;

  /** What a run did. */
  public record Result(
      long seed, long operations, long checks, long reopens, Duration wall, Map<String, Long> ops) {
    @Override
    public String toString() {
      return "soak seed="
          + seed
          + ": "
          + operations
          + " operations, "
          + checks
          + " invariant checks, "
          + reopens
          + " reopens, wall "
          + wall.toMillis()
          + " ms; operations by kind "
          + ops;
    }
  }

  /** An invariant did not hold; the message names the seed and the step. */
  public static final class Violation extends AssertionError {
    Violation(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private enum Kind {
    COMPLETE,
    FAIL,
    PROGRESS,
    SPAWN
  }

  private record Command(Kind kind, int n, CompletableFuture<Object> reply) {}

  /** A handler holding its job until told what to do. */
  private static final class Held {
    final String id;
    final int attempt;
    final BlockingQueue<Command> commands = new LinkedBlockingQueue<>();

    Held(String id, int attempt) {
      this.id = id;
      this.attempt = attempt;
    }
  }

  /** The model of one job. */
  private static final class M {
    final String id;
    final String parent;
    final List<String> children = new ArrayList<>();
    final List<String> deps;
    JobStatus terminal; // null while queued or running
    boolean handlerDone; // its handler returned normally (a parent then waits for its children)
    int attempt = 1;
    long version;
    Integer step; // last progress step reported in this attempt

    M(String id, String parent, List<String> deps, long version) {
      this.id = id;
      this.parent = parent;
      this.deps = deps;
      this.version = version;
    }

    boolean topLevel() {
      return parent == null;
    }
  }

  private final Path file;
  private final long seed;
  private final Random random;
  private final PrintStream log;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final Set<String> runs = ConcurrentHashMap.newKeySet();
  private final Map<String, String> handlerViolations = new ConcurrentHashMap<>();
  private final Map<String, M> model = new LinkedHashMap<>();
  private final Set<String> deleted = new HashSet<>();
  private final Map<String, Long> opCounts = new java.util.TreeMap<>();
  private final Map<String, Long> millisByKind = new java.util.TreeMap<>();
  private SqliteJobStore store;
  private JobQueue queue;
  private long step;
  private long checks;
  private long reopens;
  private String op = "start";

  private SoakEngine(Path file, long seed, PrintStream log) {
    this.file = file;
    this.seed = seed;
    this.random = new Random(seed);
    this.log = log;
  }

  /**
   * Runs {@code operations} random operations on a queue over {@code file} (created if missing).
   *
   * @throws Violation naming the seed, the step and what did not hold
   */
  public static Result run(Path file, long seed, long operations, PrintStream log) {
    SoakEngine e = new SoakEngine(file, seed, log);
    long start = System.nanoTime();
    try {
      e.open();
      for (e.step = 1; e.step <= operations; e.step++) {
        long t0 = System.nanoTime();
        if (e.step == operations / 2) {
          e.count("reopen"); // at least one, however short the run
          e.reopen();
        } else {
          e.oneStep();
        }
        e.millisByKind.merge(e.op, (System.nanoTime() - t0) / 1_000_000, Long::sum);
        if (log != null && e.step % 100_000 == 0) {
          log.printf(
              "  %,d operations, %,d checks, %d reopens, %.1f s%n",
              e.step, e.checks, e.reopens, (System.nanoTime() - start) / 1e9);
        }
      }
      e.sweep();
    } catch (Violation v) {
      throw v;
    } catch (Throwable t) {
      throw e.violation("unexpected " + t, t);
    } finally {
      e.closeQuietly();
      if (log != null) {
        log.println("  milliseconds by kind of operation: " + e.millisByKind);
      }
    }
    return new Result(
        seed,
        operations,
        e.checks,
        e.reopens,
        Duration.ofNanos(System.nanoTime() - start),
        e.opCounts);
  }

  // ------------------------------------------------------------------ queue

  private void open() {
    store =
        SqliteJobStore.builder(file)
            .durability(SqliteJobStore.Durability.NOT_DURABLE_ON_POWER_LOSS)
            .build();
    queue =
        JobQueue.builder()
            .store(store)
            .workers(4)
            .shutdownTimeout(Duration.ZERO)
            .handler(TYPE, this::handle)
            .build();
  }

  private void closeQuietly() {
    try {
      if (queue != null) {
        queue.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  private Map<String, Object> handle(JobContext ctx) throws Exception {
    String key = ctx.jobId() + "#" + ctx.attempt();
    if (!runs.add(key)) {
      handlerViolations.put(key, "job " + ctx.jobId() + " ran twice in attempt " + ctx.attempt());
    }
    Held h = new Held(ctx.jobId(), ctx.attempt());
    Held before = held.put(ctx.jobId(), h);
    if (before != null) {
      handlerViolations.put(key, "job " + ctx.jobId() + " ran twice at once");
    }
    try {
      while (true) {
        Command c = h.commands.take(); // a cancel (or shutdown) interrupts this
        switch (c.kind()) {
          case COMPLETE -> {
            return Map.of("n", c.n());
          }
          case FAIL -> throw new IllegalStateException("soak failure " + c.n());
          case PROGRESS -> {
            try {
              ctx.progress(c.n(), 10, "step " + c.n());
              c.reply().complete(null);
            } catch (JobCancelledException e) {
              c.reply().completeExceptionally(e);
              throw e;
            }
          }
          case SPAWN -> {
            try {
              c.reply().complete(ctx.spawn(JobRequest.builder(TYPE, "child of " + h.id).build()));
            } catch (RuntimeException e) {
              c.reply().completeExceptionally(e);
              throw e;
            }
          }
        }
      }
    } finally {
      held.remove(ctx.jobId(), h);
    }
  }

  // ------------------------------------------------------------------ operations

  private void oneStep() throws Exception {
    int live = model.size();
    int r = random.nextInt(1000);
    Set<String> touched = new HashSet<>();
    if (r < 2) {
      count("reopen");
      reopen();
      return;
    } else if (r < 200 && live < MAX_LIVE) {
      submit(touched);
    } else if (r < 420) {
      finishHeld(touched, random.nextInt(3) == 0 ? Kind.FAIL : Kind.COMPLETE);
    } else if (r < 540) {
      progress(touched);
    } else if (r < 600) {
      spawn(touched);
    } else if (r < 700) {
      cancel(touched);
    } else if (r < 800) {
      retry(touched);
    } else if (r < 900 || live >= MAX_LIVE) {
      delete(touched);
    } else {
      count("read");
      String id = pick(m -> true);
      if (id != null) {
        touched.add(id);
      }
    }
    settle(touched);
    for (String id : withRelatives(touched)) {
      check(id);
    }
    checkHandlers();
    if (step % SWEEP == 0) {
      sweep();
    }
  }

  private void count(String kind) {
    op = kind;
    opCounts.merge(kind, 1L, Long::sum);
  }

  private void submit(Set<String> touched) {
    count("submit");
    JobRequest.Builder b = JobRequest.builder(TYPE, "soak " + step);
    List<String> deps = new ArrayList<>();
    if (random.nextInt(4) == 0) {
      for (int i = 1 + random.nextInt(2); i > 0; i--) {
        String d = pick(m -> m.topLevel() && m.deps.isEmpty());
        if (d != null && !deps.contains(d)) {
          deps.add(d);
        }
      }
      b.dependsOn(deps);
    }
    Job j = queue.submit(b.build());
    boolean depFailed = false;
    for (String d : deps) {
      depFailed |= model.get(d).terminal == JobStatus.FAILED;
      depFailed |= model.get(d).terminal == JobStatus.CANCELLED;
    }
    // depending on a job that failed already fails at once
    // (a worker may have started it already when submit returns)
    ensure(
        depFailed ? j.status() == JobStatus.FAILED : j.status().isActive(),
        "a submitted job is " + (depFailed ? "failed" : "active") + ": " + j.describe());
    ensure(j.attempt() == 1, "a submitted job is in attempt 1");
    M m = new M(j.id(), null, List.copyOf(deps), j.version());
    if (depFailed) {
      m.terminal = JobStatus.FAILED;
    }
    model.put(j.id(), m);
    touched.add(j.id());
  }

  /** A job the engine holds now; null when no handler is holding one. */
  private Held pickHeld() {
    List<Held> hs = new ArrayList<>(held.values());
    // a parent whose handler returned may still be in the map for a moment: not held any more
    hs.removeIf(
        h ->
            !model.containsKey(h.id)
                || model.get(h.id).terminal != null
                || model.get(h.id).handlerDone
                || model.get(h.id).attempt != h.attempt);
    hs.sort((a, b) -> a.id.compareTo(b.id)); // the seed decides, not the map's order
    return hs.isEmpty() ? null : hs.get(random.nextInt(hs.size()));
  }

  private void finishHeld(Set<String> touched, Kind kind) throws Exception {
    count(kind == Kind.FAIL ? "fail" : "complete");
    Held h = pickHeld();
    if (h == null) {
      return;
    }
    M m = model.get(h.id);
    ensure(m.attempt == h.attempt, "the handler runs the model's attempt of " + h.id);
    h.commands.add(new Command(kind, (int) step, null));
    touched.add(h.id);
    if (kind == Kind.COMPLETE && !m.children.isEmpty()) {
      m.handlerDone = true; // it ends after its children: settle() decides
      return;
    }
    Job end = awaitEnd(h.id);
    expect(m, end, kind == Kind.FAIL ? JobStatus.FAILED : JobStatus.COMPLETED);
  }

  private void progress(Set<String> touched) throws Exception {
    count("progress");
    Held h = pickHeld();
    if (h == null) {
      return;
    }
    int n = 1 + random.nextInt(10);
    CompletableFuture<Object> reply = new CompletableFuture<>();
    h.commands.add(new Command(Kind.PROGRESS, n, reply));
    reply.get(WAIT_SECONDS, TimeUnit.SECONDS);
    M m = model.get(h.id);
    m.step = n;
    touched.add(h.id);
    Job j = queue.get(h.id);
    ensure(
        j.currentStep() != null && j.currentStep() == n,
        "progress " + n + " of " + h.id + " is visible at once: " + j.currentStep());
  }

  private void spawn(Set<String> touched) throws Exception {
    count("spawn");
    Held h = pickHeld();
    if (h == null || !model.get(h.id).topLevel() || model.get(h.id).children.size() >= 3) {
      return;
    }
    CompletableFuture<Object> reply = new CompletableFuture<>();
    h.commands.add(new Command(Kind.SPAWN, 0, reply));
    Job child = (Job) reply.get(WAIT_SECONDS, TimeUnit.SECONDS);
    ensure(h.id.equals(child.parentJobId()), "a spawned child names its parent");
    M c = new M(child.id(), h.id, List.of(), child.version());
    model.put(child.id(), c);
    model.get(h.id).children.add(child.id());
    touched.add(child.id());
    touched.add(h.id);
  }

  private void cancel(Set<String> touched) throws Exception {
    count("cancel");
    String id = pick(m -> true);
    if (id == null) {
      return;
    }
    M m = model.get(id);
    touched.add(id);
    if (m.terminal != null) {
      try {
        queue.cancel(id);
        throw violation("cancel of a " + m.terminal + " job " + id + " was accepted", null);
      } catch (JobStateException expected) {
        return;
      }
    }
    queue.cancel(id);
    Job end = awaitEnd(id);
    expect(m, end, JobStatus.CANCELLED);
    for (String c : m.children) {
      touched.add(c);
    }
  }

  private void retry(Set<String> touched) {
    count("retry");
    String id =
        pick(
            m ->
                m.topLevel()
                    && m.children.isEmpty()
                    && m.deps.isEmpty()
                    && m.terminal != null
                    && !hasLiveDependents(m.id));
    if (id == null) {
      return;
    }
    M m = model.get(id);
    touched.add(id);
    if (m.terminal == JobStatus.COMPLETED) {
      try {
        queue.retry(id);
        throw violation("retry of completed job " + id + " was accepted", null);
      } catch (IllegalJobTransitionException expected) {
        return;
      }
    }
    Job j = queue.retry(id);
    ensure(j.attempt() == m.attempt + 1, "retry makes attempt " + (m.attempt + 1) + ": " + j);
    ensure(j.version() > m.version, "retry raises the version of " + id);
    m.terminal = null;
    m.handlerDone = false;
    m.attempt = j.attempt();
    m.version = j.version();
    m.step = null;
  }

  private void delete(Set<String> touched) {
    count("delete");
    String id =
        pick(
            m ->
                m.topLevel()
                    && !hasLiveDependents(m.id)
                    && (m.terminal == null || allChildrenEnded(m)));
    if (id == null) {
      return;
    }
    M m = model.get(id);
    if (m.terminal == null) {
      try {
        queue.delete(id);
        throw violation("delete of active job " + id + " was accepted", null);
      } catch (JobStateException expected) {
        touched.add(id);
        return;
      }
    }
    for (String c : m.children) {
      ensure(model.get(c).terminal != null, "a terminal parent has only ended children");
    }
    queue.delete(id);
    forget(id);
    for (String c : m.children) {
      forget(c);
    }
    // dependents that are gone already, or ended: their dependency may disappear
    touched.add(id);
    touched.addAll(m.children);
  }

  private void forget(String id) {
    model.remove(id);
    deleted.add(id);
    if (deleted.size() > 2_000) {
      deleted.clear(); // bounded: absence is checked for recent deletes only
      deleted.add(id);
    }
  }

  private boolean hasLiveDependents(String id) {
    for (M m : model.values()) {
      if (m.deps.contains(id)) {
        return true;
      }
    }
    return false;
  }

  /** A random job of the model matching {@code filter}, or null. */
  private String pick(java.util.function.Predicate<M> filter) {
    List<String> ids = new ArrayList<>();
    for (M m : model.values()) {
      if (filter.test(m)) {
        ids.add(m.id);
      }
    }
    return ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
  }

  // ------------------------------------------------------------------ what the queue does itself

  /**
   * Awaits what the queue must now do by itself, until nothing is left: dependents of a failed or
   * cancelled job fail; a parent whose handler returned ends once its children have.
   */
  private void settle(Set<String> touched) throws Exception {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (M m : new ArrayList<>(model.values())) {
        if (m.terminal != null) {
          continue;
        }
        String failedDep = null;
        for (String d : m.deps) {
          M dm = model.get(d);
          if (dm != null
              && (dm.terminal == JobStatus.FAILED || dm.terminal == JobStatus.CANCELLED)) {
            failedDep = d;
          }
        }
        if (failedDep != null) {
          Job end = awaitEnd(m.id);
          expect(m, end, JobStatus.FAILED);
          touched.add(m.id);
          changed = true;
          continue;
        }
        if (m.handlerDone && allChildrenEnded(m)) {
          Job end = awaitEnd(m.id);
          boolean childFailed = false;
          for (String c : m.children) {
            childFailed |= model.get(c).terminal != JobStatus.COMPLETED;
          }
          expect(m, end, childFailed ? JobStatus.FAILED : JobStatus.COMPLETED);
          touched.add(m.id);
          changed = true;
        }
      }
    }
  }

  private boolean allChildrenEnded(M m) {
    for (String c : m.children) {
      if (model.get(c).terminal == null) {
        return false;
      }
    }
    return true;
  }

  private Job awaitEnd(String id) {
    try {
      return queue.completion(id).get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw violation("job " + id + " did not end within " + WAIT_SECONDS + " s: " + find(id), e);
    } catch (ExecutionException e) {
      throw violation("waiting for job " + id + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw violation("interrupted while waiting for job " + id, e);
    }
  }

  private void expect(M m, Job end, JobStatus status) {
    ensure(
        end.status() == status,
        "job " + m.id + " should have ended " + status + ": " + end.describe() + " " + end.error());
    ensure(end.version() > m.version, "versions only increase: " + m.id);
    m.terminal = end.status();
    m.version = end.version();
    // cancelling a parent cancels its children: they end by themselves
    if (status == JobStatus.CANCELLED) {
      for (String c : m.children) {
        M cm = model.get(c);
        if (cm.terminal == null) {
          expect(cm, awaitEnd(c), JobStatus.CANCELLED);
        }
      }
    }
  }

  // ------------------------------------------------------------------ invariants

  private Set<String> withRelatives(Set<String> ids) {
    Set<String> out = new HashSet<>(ids);
    for (String id : ids) {
      M m = model.get(id);
      if (m != null) {
        if (m.parent != null) {
          out.add(m.parent);
        }
        out.addAll(m.children);
        out.addAll(m.deps);
      }
    }
    return out;
  }

  private Job find(String id) {
    return queue.find(id).orElse(null);
  }

  /** The job as the queue shows it agrees with the model. */
  private void check(String id) {
    M m = model.get(id);
    Job j = find(id);
    if (m == null) {
      ensure(j == null || !deleted.contains(id), "deleted job " + id + " is gone");
      return;
    }
    ensure(j != null, "job " + id + " exists");
    ensure(j.version() >= m.version, "versions only increase: " + id);
    if (m.terminal != null) {
      ensure(
          j.status() == m.terminal && j.version() == m.version,
          "ended job "
              + id
              + " never changes except by retry: model "
              + m.terminal
              + " v"
              + m.version
              + ", queue "
              + j.status()
              + " v"
              + j.version());
    } else {
      ensure(j.status().isActive(), "job " + id + " is queued or running: " + j.describe());
      if (j.status() == JobStatus.RUNNING) {
        for (String d : m.deps) {
          M dm = model.get(d);
          ensure(
              dm == null || dm.terminal == JobStatus.COMPLETED,
              "job " + id + " runs only after its dependency " + d + " completed");
        }
      }
      m.version = j.version();
    }
    ensure(j.attempt() == m.attempt, "job " + id + " is in attempt " + m.attempt + ": " + j);
    ensure(
        java.util.Objects.equals(j.parentJobId(), m.parent),
        "job " + id + " has parent " + m.parent);
    ensure(
        j.childJobIds().equals(m.children),
        "job " + id + " has children " + m.children + ", not " + j.childJobIds());
    ensure(j.dependsOn().equals(m.deps), "job " + id + " depends on " + m.deps);
    for (String c : m.children) {
      ensure(model.containsKey(c), "the children of " + id + " exist while it does");
    }
    if (m.terminal == JobStatus.COMPLETED && !m.children.isEmpty()) {
      ensure(allChildrenEnded(m), "a completed parent " + id + " has no active children");
    }
    for (String d : m.deps) {
      M dm = model.get(d);
      if (dm != null && (dm.terminal == JobStatus.FAILED || dm.terminal == JobStatus.CANCELLED)) {
        // (a dependent may have been cancelled before; it never completes, nor stays active)
        ensure(
            m.terminal == JobStatus.FAILED || m.terminal == JobStatus.CANCELLED,
            "dependents of failed " + d + " failed: " + id + " is " + m.terminal);
      }
    }
  }

  private void checkHandlers() {
    if (!handlerViolations.isEmpty()) {
      throw violation(handlerViolations.values().iterator().next(), null);
    }
  }

  /** Every job of the model, and every job the queue has: in exactly one status each. */
  private void sweep() {
    for (String id : new ArrayList<>(model.keySet())) {
      check(id);
    }
    Map<String, JobStatus> seen = new LinkedHashMap<>();
    for (JobStatus s : JobStatus.values()) { // in enum order: queued before running
      for (Job j : queue.list(JobQuery.builder().status(s).limit(JobQuery.MAX_LIMIT).build())) {
        JobStatus other = seen.put(j.id(), s);
        // the lists are read one after the other, and a worker may start a job in between
        ensure(
            other == null || other == JobStatus.QUEUED && s == JobStatus.RUNNING,
            "job " + j.id() + " is in one status, not " + other + " and " + s);
      }
    }
    Set<String> once = new HashSet<>();
    for (Job j : queue.list(JobQuery.builder().limit(JobQuery.MAX_LIMIT).build())) {
      ensure(once.add(j.id()), "job " + j.id() + " is listed once");
    }
    ensure(
        seen.keySet().equals(model.keySet()),
        "the queue holds exactly the model's jobs: queue "
            + seen.size()
            + ", model "
            + model.size());
    checkHandlers();
  }

  // ------------------------------------------------------------------ reopen

  private void reopen() throws Exception {
    reopens++;
    queue.close();
    store.close();
    queue = null;
    store = null;
    held.clear();
    // the file as the queue left it: every durable change of the model is there
    Map<String, Job> onDisk = new LinkedHashMap<>();
    try (SqliteJobStore s = SqliteJobStore.open(file)) {
      for (Job j : s.query(JobQuery.builder().limit(JobQuery.MAX_LIMIT).build())) {
        onDisk.put(j.id(), j);
      }
    }
    ensure(
        onDisk.keySet().equals(model.keySet()),
        "after close the file holds exactly the model's jobs: file "
            + onDisk.size()
            + ", model "
            + model.size());
    for (M m : model.values()) {
      Job j = onDisk.get(m.id);
      if (m.terminal != null) {
        ensure(
            j.status() == m.terminal && j.version() == m.version,
            "the file keeps the end of " + m.id + ": " + m.terminal + " v" + m.version + ", " + j);
      } else if (j.isTerminal()) {
        // a job the shutdown ended: it was running (or depended on one, or was its child)
        ensure(
            j.status() != JobStatus.COMPLETED || m.handlerDone,
            "shutdown completed " + m.id + " that was not done: " + j);
        m.terminal = j.status();
        m.version = j.version();
      } else {
        ensure(j.version() >= m.version, "versions only increase: " + m.id);
        m.version = j.version();
        m.attempt = j.attempt();
        m.handlerDone = m.handlerDone && j.status() == JobStatus.RUNNING;
      }
    }
    open();
    Set<String> all = new HashSet<>(model.keySet());
    for (String id : all) {
      M m = model.get(id);
      if (m.terminal == null) {
        Job j = find(id);
        // recovery of jobs still active on disk (none with a shutdown that ends running ones)
        if (j != null && j.isTerminal()) {
          m.terminal = j.status();
          m.version = j.version();
        } else if (j != null) {
          m.attempt = j.attempt();
        }
      }
    }
    settle(new HashSet<>());
    sweep();
  }

  // ------------------------------------------------------------------ failures

  private void ensure(boolean ok, String what) {
    checks++;
    if (!ok) {
      throw violation(what, null);
    }
  }

  private Violation violation(String what, Throwable cause) {
    return new Violation("soak seed=" + seed + " step=" + step + " op=" + op + ": " + what, cause);
  }
}
