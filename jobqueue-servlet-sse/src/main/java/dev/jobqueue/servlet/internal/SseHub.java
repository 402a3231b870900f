package dev.jobqueue.servlet.internal;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import dev.jobqueue.JobLogEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.Subscription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the queue's events out to SSE clients: one queue subscription for all of them, each event
 * serialised once, then queued on every client whose scope matches. Clients are indexed by user so
 * a user-scoped event touches only that user's connections.
 *
 * <p>The listener thread only queues: it never writes to a socket. Clients with something to send
 * are handed to a small pool of writer threads ({@code jobqueue-sse-writer-N}, one per core) that
 * drain each with non-blocking I/O, several frames per flush. When the writers fall behind, the
 * frames wait in each client's bounded buffer, where progress updates coalesce and a client that
 * cannot keep up overflows and is dropped, instead of piling up in the queue's listener buffer.
 *
 * <p>A ring of the most recent events lets a reconnecting client resume from its {@code
 * Last-Event-ID}. Registration and ring replay happen under the same lock as fan-out, so a resuming
 * client gets every event after its id exactly once: the replayed ones, then the live ones, with no
 * gap and no overlap. Ids are found by equality, never compared as numbers: with a shared store
 * (PostgreSQL) they are the database's ids, which every instance delivers in the same order but
 * which do not increase, and an id this server has not in its ring gets the full state instead.
 */
public final class SseHub implements JobListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SseHub.class);

  /** A client whose queued frames have not moved for this many heartbeats is dead. */
  private static final int STALLED_HEARTBEATS = 4;

  /** How long {@link #close} waits for the writer and heartbeat threads to end. */
  private static final long STOP_MILLIS = 5_000;

  private record Recent(JobEvent event, Frame frame) {}

  /** What {@link #attach} decided: replay what was missed, or send the full state. */
  public record Attachment(List<Frame> replay, long sequence, String resetReason) {
    public boolean replayed() {
      return replay != null;
    }
  }

  private final JobQueue queue;
  private final SseFrames frames;
  private final int ringSize;
  private final Duration heartbeat;
  private final int maxConnections;
  private final int writerThreads;

  // guarded by this
  private final ArrayDeque<Recent> ring = new ArrayDeque<>();
  private final Map<String, Set<SseConnection>> byUser = new HashMap<>();
  private final Set<SseConnection> unscoped = new LinkedHashSet<>();

  /** The sequence of the newest event evicted from the ring (or the one current at start). */
  private long floor;

  /** The highest sequence seen. */
  private long last;

  /** Events received so far: the place of each in this server's order (subscription thread). */
  private long received;

  /** {@link #received}, for other threads. */
  private volatile long receivedSoFar;

  private boolean closed;

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  // used only on the subscription's thread
  private final List<SseConnection> ready = new ArrayList<>();
  private final List<SseConnection> overflowing = new ArrayList<>();

  private Subscription subscription;
  private Subscription logSubscription;

  /** The paused types last told to clients; guarded by this. */
  private Set<String> pausedSent = Set.of();

  private ScheduledExecutorService heartbeats;
  private volatile ThreadPoolExecutor writers;

  /** Every thread the hub started, joined by {@link #close}. */
  private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

  private int matched; // used only on the subscription's thread

  public SseHub(
      JobQueue queue, SseFrames frames, int ringSize, Duration heartbeat, int maxConnections) {
    this(
        queue,
        frames,
        ringSize,
        heartbeat,
        maxConnections,
        Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  public SseHub(
      JobQueue queue,
      SseFrames frames,
      int ringSize,
      Duration heartbeat,
      int maxConnections,
      int writerThreads) {
    this.queue = queue;
    this.frames = frames;
    this.ringSize = ringSize;
    this.heartbeat = heartbeat;
    this.maxConnections = maxConnections;
    this.writerThreads = writerThreads;
  }

  public void start() {
    AtomicInteger writerNumber = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            writerThreads,
            writerThreads,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "jobqueue-sse-writer-" + writerNumber.incrementAndGet());
              t.setDaemon(true);
              threads.add(t);
              return t;
            },
            new ThreadPoolExecutor.DiscardPolicy()); // after close(): streams are ending anyway
    writers = pool;
    subscription = queue.subscribe(this);
    logSubscription = queue.subscribeLogs(this::onLog);
    // Read after subscribing: every event past this sequence reaches the ring.
    long current = queue.lastSequence();
    synchronized (this) {
      floor = Math.max(floor, current);
      last = Math.max(last, current);
    }
    heartbeats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "jobqueue-sse-heartbeat");
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
    long every = heartbeat.toMillis();
    heartbeats.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    // another instance on a shared store may pause a type: clients hear of it within a second
    heartbeats.scheduleWithFixedDelay(
        this::pausedTypesMayHaveChanged, 1000, 1000, TimeUnit.MILLISECONDS);
  }

  /**
   * New log lines: an {@code event: log} frame to the clients that asked for logs and see the job.
   * Runs on the queue's log thread, so it has its own lists, not the listener thread's.
   */
  void onLog(JobLogEvent e) {
    Frame frame = SseFrames.named("log", OpsJson.logEvent(e));
    List<SseConnection> toDispatch = new ArrayList<>();
    List<SseConnection> toDrop = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      String user = e.job().userId();
      List<Set<SseConnection>> groups = new ArrayList<>(2);
      if (user != null && byUser.get(user) != null) {
        groups.add(byUser.get(user));
      }
      groups.add(unscoped);
      for (Set<SseConnection> group : groups) {
        for (SseConnection c : group) {
          if (c.scope().wantsLogs() && c.scope().isOwnAndSelected(e.job())) {
            switch (c.enqueue(frame)) {
              case SCHEDULE -> toDispatch.add(c);
              case OVERFLOW -> toDrop.add(c);
              case QUEUED -> {}
            }
          }
        }
      }
    }
    toDispatch.forEach(this::dispatch);
    toDrop.forEach(c -> c.close("its buffer of unsent events overflowed", true));
  }

  /** The {@code event: paused} frame for a new client, when some type is paused. */
  public java.util.Optional<Frame> pausedFrame() {
    Set<String> paused = queue.pausedTypes();
    return paused.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(SseFrames.named("paused", OpsJson.paused(paused)));
  }

  /** Tells every client the paused types when they changed since it was last told. */
  void pausedTypesMayHaveChanged() {
    try {
      Set<String> now = queue.pausedTypes();
      Frame frame = SseFrames.named("paused", OpsJson.paused(now));
      List<SseConnection> toDispatch = new ArrayList<>();
      List<SseConnection> toDrop = new ArrayList<>();
      synchronized (this) {
        if (closed || now.equals(pausedSent)) {
          return;
        }
        pausedSent = now;
        List<SseConnection> all = new ArrayList<>(unscoped);
        byUser.values().forEach(all::addAll);
        for (SseConnection c : all) {
          switch (c.enqueue(frame)) {
            case SCHEDULE -> toDispatch.add(c);
            case OVERFLOW -> toDrop.add(c);
            case QUEUED -> {}
          }
        }
      }
      toDispatch.forEach(this::dispatch);
      toDrop.forEach(c -> c.close("its buffer of unsent events overflowed", true));
    } catch (RuntimeException e) {
      log.warn("telling SSE clients the paused job types failed; trying again in a second", e);
    }
  }

  @Override
  public void onEvent(JobEvent e) {
    long position = ++received;
    // outside the lock: serialisation is the costly part
    Frame frame = frames.forEvent(e, position);
    ready.clear();
    overflowing.clear();
    matched = 0;
    synchronized (this) {
      if (closed) {
        return;
      }
      ring.addLast(new Recent(e, frame));
      if (ring.size() > ringSize) {
        floor = ring.removeFirst().event().sequence();
      }
      last = Math.max(last, e.sequence());
      String user = e.job().userId();
      if (user != null) {
        offer(byUser.get(user), e, frame);
      }
      offer(unscoped, e, frame);
    }
    receivedSoFar = position;
    for (SseConnection c : ready) {
      dispatch(c); // the writers do the I/O; this thread goes on to the next event
    }
    for (SseConnection c : overflowing) {
      c.close("its buffer of unsent events overflowed", true);
    }
    delivered.addAndGet(matched);
  }

  private void offer(Set<SseConnection> clients, JobEvent e, Frame frame) {
    if (clients == null) {
      return;
    }
    for (SseConnection c : clients) {
      if (c.scope().matches(e)) {
        switch (c.enqueue(frame)) {
          case SCHEDULE -> ready.add(c);
          case OVERFLOW -> overflowing.add(c);
          case QUEUED -> {}
        }
        matched++;
      }
    }
  }

  /** Hands a connection that has frames to write to a writer thread. */
  void dispatch(SseConnection c) {
    ThreadPoolExecutor pool = writers;
    if (pool != null) {
      pool.execute(c); // discarded once closing: the stream is being ended then
    }
  }

  /**
   * The place (in this server's order of events, see {@link Frame#sequence()}) up to which an event
   * may predate a snapshot read before this call: the events received so far and those waiting in
   * the subscription's buffer.
   */
  public long snapshotHorizon() {
    Subscription s = subscription;
    return receivedSoFar + (s == null ? 0 : s.backlog());
  }

  /** Takes a connection slot; false when the cap is reached. Pair with {@link #release}. */
  public boolean tryReserve() {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Returns a slot reserved for a stream that never started. */
  public void unreserve() {
    open.decrementAndGet();
  }

  /**
   * Registers a client. From here on it receives live events (queued until it starts). With a
   * {@code lastEventId} still in the ring, the matching events after it are returned for replay;
   * otherwise the caller sends the full state.
   *
   * <p>Resumption goes by position in the ring, found by an equal id, never by comparing numbers:
   * the queue may deliver a coalesced progress event (with a newer sequence) before an older status
   * event of another job, and with a shared store the ids are the database's, which do not
   * increase; "every event after the one with this id" stays exact either way.
   */
  public synchronized Attachment attach(SseConnection c, Long lastEventId) {
    if (closed) {
      throw new HttpError(503, "the server is shutting down", Map.of("Retry-After", "5"));
    }
    String user = c.scope().user();
    if (user == null) {
      unscoped.add(c);
    } else {
      byUser.computeIfAbsent(user, u -> new LinkedHashSet<>()).add(c);
    }
    // The resume point of a client registered now: the newest event it will not get live.
    long resumePoint = ring.isEmpty() ? floor : ring.peekLast().event().sequence();
    if (lastEventId == null) {
      return new Attachment(null, resumePoint, null);
    }
    List<Frame> replay = null;
    for (Recent r : ring) {
      if (replay != null) {
        if (c.scope().matches(r.event())) {
          replay.add(r.frame());
        }
      } else if (r.event().sequence() == lastEventId) {
        replay = new ArrayList<>();
      }
    }
    if (replay == null && lastEventId == floor) {
      // the event just before the ring's first: replay all of it
      replay = new ArrayList<>();
      for (Recent r : ring) {
        if (c.scope().matches(r.event())) {
          replay.add(r.frame());
        }
      }
    }
    if (replay == null) {
      // Nothing was queued for the client yet, so the status-filter memory is still empty.
      return new Attachment(null, resumePoint, notFound(lastEventId));
    }
    return new Attachment(replay, resumePoint, null);
  }

  /** Why a client's last event id cannot be resumed from (guarded by this). */
  private String notFound(long lastEventId) {
    if (lastEventId > last) {
      return "event id " + lastEventId + " is unknown to this server";
    }
    return "event id "
        + lastEventId
        + " is not among the last "
        + ringSize
        + " events this server keeps: older, or from before it started";
  }

  synchronized void release(SseConnection c, boolean wasDropped) {
    String user = c.scope().user();
    if (user == null) {
      unscoped.remove(c);
    } else {
      Set<SseConnection> set = byUser.get(user);
      if (set != null && set.remove(c) && set.isEmpty()) {
        byUser.remove(user);
      }
    }
    open.decrementAndGet();
    if (wasDropped) {
      dropped.incrementAndGet();
    }
  }

  private void beat() {
    try {
      List<SseConnection> all = connections();
      Frame beat = SseFrames.heartbeat();
      long stall = heartbeat.toNanos() * STALLED_HEARTBEATS;
      for (SseConnection c : all) {
        if (c.heartbeat(beat, stall) == SseConnection.Health.STALLED) {
          c.close("nothing could be written to it for " + STALLED_HEARTBEATS + " heartbeats", true);
        }
      }
    } catch (RuntimeException e) {
      log.error("SSE heartbeat failed; it runs again at the next tick", e);
    }
  }

  private synchronized List<SseConnection> connections() {
    List<SseConnection> all = new ArrayList<>(unscoped);
    for (Set<SseConnection> s : byUser.values()) {
      all.addAll(s);
    }
    return all;
  }

  /** Open SSE connections. */
  public int openConnections() {
    return open.get();
  }

  /** Clients dropped for being too slow since start. */
  public long droppedClients() {
    return dropped.get();
  }

  /** Writer threads (the pool's size). */
  public int writerThreads() {
    return writerThreads;
  }

  /** Frames queued to clients so far. */
  public long deliveries() {
    return delivered.get();
  }

  /** Unsubscribes, stops the heartbeat and ends every stream. Idempotent. */
  @Override
  public void close() {
    List<SseConnection> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      ring.clear();
    }
    all = connections();
    if (subscription != null) {
      subscription.close();
    }
    if (logSubscription != null) {
      logSubscription.close();
    }
    if (heartbeats != null) {
      heartbeats.shutdownNow();
    }
    for (SseConnection c : all) {
      c.close("the server is stopping", false);
    }
    ThreadPoolExecutor pool = writers;
    if (pool != null) {
      pool.shutdown(); // lets a writer finish its turn on a closed stream, then ends the threads
    }
    awaitStop(pool, heartbeats, threads);
    log.info("SSE hub stopped; {} streams closed", all.size());
  }

  private static void awaitStop(
      ThreadPoolExecutor pool, ScheduledExecutorService beats, List<Thread> threads) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
    try {
      if (pool != null && !pool.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
        log.warn("SSE writer threads did not stop within {} ms; interrupting them", STOP_MILLIS);
        pool.shutdownNow();
      }
      long left = Math.max(0, deadline - System.nanoTime());
      if (beats != null && !beats.awaitTermination(left, TimeUnit.NANOSECONDS)) {
        log.warn("SSE heartbeat thread did not stop within {} ms", STOP_MILLIS);
      }
      // A terminated executor's threads may still be returning: wait until they are gone.
      for (Thread t : threads) {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }
}
