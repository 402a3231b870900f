package dev.jobqueue.benchmarks.peers;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.benchmarks.peers.PeersRunner.Latency;
import dev.jobqueue.postgres.PostgresJobStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Latencies between two queue instances on one PostgreSQL database, each on its own {@link
 * PostgresJobStore} (default settings, one pool, one fresh schema), with notifications on and off
 * (polling, as behind PgBouncer in transaction mode):
 *
 * <ul>
 *   <li>idle pickup: {@code submit} called → the handler starts, on the submitting instance and on
 *       the other one (woken through the change feed);
 *   <li>event delay: a status change on A ({@code cancel} of a delayed queued job) called → B's
 *       listener has it;
 *   <li>cancel: {@code cancel} on A called → the handler running on B is interrupted.
 * </ul>
 *
 * One sample at a time on an otherwise idle queue, spaced by a pause with a random part (as long as
 * the poll interval when polling); the first samples of each kind warm up and are not counted.
 * Times start before the call, so they include A's commit.
 *
 * <pre>
 * mvn -B -ntp -q package -DskipTests -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.jobqueue.benchmarks.peers.CrossInstanceLatency [samples] [samplesPolling]
 * </pre>
 */
public final class CrossInstanceLatency {
  private static final int WARMUP = 20;
  private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Map<String, CompletableFuture<Long>> started = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Long>> interrupted = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Long>> seenByB = new ConcurrentHashMap<>();
  private final JobQueue a;
  private final JobQueue b;
  private final long jitterNanos;

  private CrossInstanceLatency(
      PostgresJobStore storeA, PostgresJobStore storeB, boolean notifications) {
    this.jitterNanos =
        notifications ? PAUSE_NANOS : PostgresJobStore.DEFAULT_POLL_INTERVAL.toNanos();
    this.a = queue(storeA, "A");
    this.b = queue(storeB, "B");
    b.subscribe(this::onB);
  }

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int samplesPolling = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    String down = PostgresSchema.unreachableReason();
    if (down != null) {
      System.err.println("PostgreSQL at " + PostgresSchema.URL + " is not reachable: " + down);
      System.exit(2);
    }
    String loadBefore = PeersRunner.loadAverage();
    Row[] on = run(true, samples);
    Row[] off = run(false, samplesPolling);
    String loadAfter = PeersRunner.loadAverage();
    System.out.println();
    System.out.println(
        "Cross-instance latency, two queues on two PostgresJobStore instances, one database"
            + " (load average "
            + loadBefore
            + " → "
            + loadAfter
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores)");
    System.out.println();
    System.out.println(
        "| measure | notifications on: p50 | p99 (samples) | off, polling "
            + PostgresJobStore.DEFAULT_POLL_INTERVAL.toMillis()
            + " ms: p50 | p99 (samples) | target |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (int i = 0; i < on.length; i++) {
      System.out.printf(
          "| %s | %s | %s (%d) | %s | %s (%d) | %s |%n",
          on[i].name,
          ResultTable.duration(on[i].latency.p50Nanos()),
          ResultTable.duration(on[i].latency.p99Nanos()),
          on[i].latency.samples(),
          ResultTable.duration(off[i].latency.p50Nanos()),
          ResultTable.duration(off[i].latency.p99Nanos()),
          off[i].latency.samples(),
          on[i].target);
    }
  }

  private record Row(String name, Latency latency, String target) {}

  private static Row[] run(boolean notifications, int samples) throws Exception {
    try (PostgresSchema schema = PostgresSchema.create()) {
      PostgresJobStore storeA = store(schema, notifications);
      PostgresJobStore storeB = store(schema, notifications);
      CrossInstanceLatency bench = new CrossInstanceLatency(storeA, storeB, notifications);
      try {
        System.err.printf(
            "notifications %s, %d samples of each kind...%n",
            notifications ? "on" : "off", samples);
        return new Row[] {
          new Row(
              "idle pickup, same instance (submit on B → handler on B)",
              bench.measure(samples, () -> bench.pickup(bench.b)),
              "p50 ≤ 20 ms"),
          new Row(
              "idle pickup, other instance (submit on A → handler on B)",
              bench.measure(samples, () -> bench.pickup(bench.a)),
              "—"),
          new Row(
              "status change on A → listener on B",
              bench.measure(samples, bench::eventDelay),
              "p99 ≤ 100 ms"),
          new Row(
              "cancel on A → handler on B interrupted",
              bench.measure(samples, bench::cancelDelay),
              "p99 ≤ 1 s")
        };
      } finally {
        bench.a.close();
        bench.b.close();
        storeA.close();
        storeB.close();
      }
    }
  }

  private static PostgresJobStore store(PostgresSchema schema, boolean notifications) {
    return PostgresJobStore.builder(schema.dataSource())
        .schema(schema.name())
        .notifications(notifications)
        .build();
  }

  /**
   * B runs the jobs on 2 workers; A, with no workers, only submits and cancels (a web instance): it
   * knows the handlers so that it accepts their jobs, but never runs them.
   */
  private JobQueue queue(PostgresJobStore store, String id) {
    return JobQueue.builder()
        .store(store)
        .instanceId(id)
        .workers(id.equals("A") ? 0 : 2)
        .handler("parked", ctx -> null)
        .handler(
            "pickup",
            ctx -> {
              complete(started, ctx.jobId());
              return null;
            })
        .handler(
            "block",
            ctx -> {
              complete(started, ctx.jobId());
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                complete(interrupted, ctx.jobId());
                throw e;
              }
              return null;
            })
        .build();
  }

  private static void complete(Map<String, CompletableFuture<Long>> m, String id) {
    long now = System.nanoTime();
    m.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(now);
  }

  private static long when(Map<String, CompletableFuture<Long>> m, String id) throws Exception {
    return m.computeIfAbsent(id, k -> new CompletableFuture<>())
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onB(JobEvent e) {
    if (e.job().status() == JobStatus.CANCELLED && e.job().type().equals("parked")) {
      complete(seenByB, e.jobId());
    }
  }

  @FunctionalInterface
  private interface Sample {
    long nanos() throws Exception;
  }

  private Latency measure(int samples, Sample sample) throws Exception {
    long[] out = new long[samples];
    for (int i = -WARMUP; i < samples; i++) {
      long nanos = sample.nanos();
      if (i >= 0) {
        out[i] = nanos;
      }
      // a random part, as long as a poll interval: a sample that starts a fixed time after the
      // poll that ended the previous one would always wait almost the whole interval
      LockSupport.parkNanos(PAUSE_NANOS + ThreadLocalRandom.current().nextLong(jitterNanos));
    }
    return Latency.of(out);
  }

  /** Submit on {@code from} called → the handler started on B. */
  private long pickup(JobQueue from) throws Exception {
    long t0 = System.nanoTime();
    String id = from.submit(JobRequest.builder("pickup", "pickup").build()).id();
    long t1 = when(started, id);
    b.completion(id).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return t1 - t0;
  }

  private long eventDelay() throws Exception {
    // queued and never due, so that the cancel is a status change A commits at once
    String id =
        a.submit(JobRequest.builder("parked", "parked").delay(Duration.ofDays(1)).build()).id();
    LockSupport.parkNanos(PAUSE_NANOS); // B has seen it created by now, or sees it in order
    long t0 = System.nanoTime();
    a.cancel(id);
    return when(seenByB, id) - t0;
  }

  private long cancelDelay() throws Exception {
    String id = a.submit(JobRequest.builder("block", "blocking").build()).id();
    when(started, id);
    // B started it at one of its polls: without a random pause the cancel would be phase-locked
    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(jitterNanos));
    long t0 = System.nanoTime();
    a.cancel(id);
    long t1 = when(interrupted, id);
    b.completion(id).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    return t1 - t0;
  }
}
