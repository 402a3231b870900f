package dev.jobqueue.benchmarks.sse;

import dev.jobqueue.JobQueue;
import dev.jobqueue.servlet.JobQueueFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Load test of the SSE fan-out of {@link JobQueueFilter} on embedded Jetty 12 (ee10), over
 * 127.0.0.1, run by hand (not in CI). Server, job generator and clients share one JVM, so change
 * times ({@code System.nanoTime()}) are comparable between the generator and the clients.
 *
 * <ol>
 *   <li><b>user-scoped</b>: {@code clients} SSE clients, each its own user ({@code X-User} header
 *       read by the filter's user resolver), {@code rate} job changes/s in total spread over the
 *       users through {@code queue.tracker()};
 *   <li><b>broadcast</b>: {@code bclients} clients without a user resolver, all watching all jobs,
 *       {@code brate} changes/s.
 * </ol>
 *
 * Measured: events delivered/s, delay from the change to the client reading it (p50/p99/max), lost
 * status changes (every client must see queued, running and completed of each of its jobs), and
 * heap + direct memory per idle connection beside two baselines measured the same way in the same
 * run: N raw TCP connections to a bare NIO acceptor (the clients' own cost plus a bare server
 * socket) and N idle keep-alive HTTP connections to the same Jetty (its per-connection cost).
 * Clients are raw non-blocking sockets on a few selector threads ({@link LoadClients}).
 *
 * <pre>
 * java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar dev.jobqueue.benchmarks.sse.SseLoadTest
 * java -cp benchmarks/target/benchmarks.jar dev.jobqueue.benchmarks.sse.SseLoadTest quick
 * ... SseLoadTest clients=2000 rate=500 seconds=20 scenario=user
 * </pre>
 *
 * Options ({@code key=value} arguments or {@code -Dsse.key=value}): clients (5000), rate (1000),
 * bclients (500), brate (200), seconds (30), scenario (all|user|broadcast), progress (progress
 * updates per job, 3), inflight (jobs in progress at once, 50), threads (client selector threads,
 * 2), memory (true), drain (at most this many seconds to wait for late events, 60), jettyThreads
 * (200), selectors (Jetty selectors, 2), responseBuffer (0 = container default; &gt; 0 puts a
 * filter in front that calls {@code setBufferSize}, an experiment on idle-stream memory), warmup
 * (5: the delays of changes made in the first seconds of the load, while the JIT warms up, are also
 * left out of a second "after warm-up" row); {@code quick} sets 500 clients, 200/s, 100 broadcast
 * clients, 100/s, 8 s, warm-up 2 s.
 */
public final class SseLoadTest {
  private SseLoadTest() {}

  // ---------------------------------------------------------------- options

  static final class Options {
    final Map<String, String> values = new LinkedHashMap<>();

    Options(String[] args) {
      boolean quick = false;
      for (String a : args) {
        if (a.equals("quick") || a.equals("--quick")) {
          quick = true;
        } else if (a.contains("=")) {
          String k = a.replaceFirst("^--", "");
          values.put(k.substring(0, k.indexOf('=')), k.substring(k.indexOf('=') + 1));
        } else {
          throw new IllegalArgumentException(
              "unknown argument '" + a + "': use key=value or quick");
        }
      }
      quick |= Boolean.getBoolean("sse.quick");
      defaults("clients", quick ? "500" : "5000");
      defaults("rate", quick ? "200" : "1000");
      defaults("bclients", quick ? "100" : "500");
      defaults("brate", quick ? "100" : "200");
      defaults("seconds", quick ? "8" : "30");
      defaults("scenario", "all");
      defaults("progress", "3");
      defaults("inflight", "50");
      defaults("threads", "2");
      defaults("memory", "true");
      defaults("drain", "60");
      defaults("jettyThreads", "200");
      defaults("selectors", "2");
      defaults("handshakes", "256");
      defaults("responseBuffer", "0");
      defaults("warmup", quick ? "2" : "5");
    }

    private void defaults(String key, String value) {
      values.putIfAbsent(key, System.getProperty("sse." + key, value));
    }

    int i(String k) {
      return Integer.parseInt(values.get(k));
    }

    String s(String k) {
      return values.get(k);
    }
  }

  // ---------------------------------------------------------------- results

  static final class Result {
    String name;
    int clientsWanted;
    int clientsConnected;
    int rejected;
    double connectSeconds;
    // memory (bytes per connection) of SSE and the two baselines
    double sseHeap = Double.NaN;
    double sseDirect = Double.NaN;
    double plainHeap = Double.NaN;
    double plainDirect = Double.NaN;
    double rawHeap = Double.NaN;
    // load
    double targetRate;
    double generatedRate;
    long generated;
    long statusChanges;
    long jobs;
    double maxLagMillis;
    long callP99Micros;
    double expectedDeliveries; // per second, if nothing were coalesced
    double deliveredRate;
    double statusDeliveredRate;
    LoadClients.Stats stats;
    long expectedStatus;
    long lostStatus;
    int clientsWithLoss;
    int closedByPeer;
    long dropped;
    double cpuCores;
    double loadAverage;
    String failure;
    String threadCores = "";
    double drainSeconds;
  }

  // ---------------------------------------------------------------- main

  public static void main(String[] args) throws Exception {
    Options o = new Options(args);
    System.out.println("SSE load test, options " + o.values);
    System.out.printf(
        Locale.ROOT,
        "JVM %s, %d cores, max heap %d MiB%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20);
    double rawTracker = rawTrackerRate(o);
    System.out.printf(
        Locale.ROOT,
        "baseline: tracker alone (no listener, unpaced, 2 s): %,.0f " + "changes/s%n",
        rawTracker);
    List<Result> results = new ArrayList<>();
    String scenario = o.s("scenario");
    if (scenario.equals("all") || scenario.equals("user")) {
      results.add(run(o, "user-scoped", true, o.i("clients"), o.i("rate")));
    }
    if (scenario.equals("all") || scenario.equals("broadcast")) {
      results.add(run(o, "broadcast", false, o.i("bclients"), o.i("brate")));
    }
    summary(o, rawTracker, results);
  }

  /** Changes/s the tracker makes with nothing listening: the generator's own ceiling. */
  private static double rawTrackerRate(Options o) throws InterruptedException {
    try (JobQueue queue = JobQueue.builder().workers(0).build()) {
      int inflight = o.i("inflight");
      AtomicLongArray starts =
          new AtomicLongArray(UpdateGenerator.capacity(500_000, 2, o.i("progress"), inflight));
      UpdateGenerator g =
          new UpdateGenerator(
              queue.tracker(), 1000, 0, o.i("progress"), inflight, 2_000_000_000L, starts);
      Thread t = new Thread(g, "sse-load-raw-generator");
      t.start();
      t.join();
      return g.pacedOps / (g.pacedNanos / 1e9);
    }
  }

  private static Result run(Options o, String name, boolean scoped, int clients, int rate)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n=== %s: %,d clients, %,d changes/s, %d s ===%n",
        name,
        clients,
        rate,
        o.i("seconds"));
    Result r = new Result();
    r.name = name;
    r.clientsWanted = clients;
    r.targetRate = rate;
    int seconds = o.i("seconds");
    int inflight = o.i("inflight");
    int progress = o.i("progress");
    AtomicLongArray startNanos =
        new AtomicLongArray(UpdateGenerator.capacity(rate, seconds, progress, inflight));

    JobQueue queue = JobQueue.builder().workers(0).build();
    JobQueueFilter.Builder fb =
        JobQueueFilter.builder(queue).sharedViewForAllCallers().maxConnections(clients + 1000);
    if (scoped) {
      fb.userResolver(req -> req.getHeader("X-User"));
    }
    JobQueueFilter filter = fb.build();

    QueuedThreadPool pool = new QueuedThreadPool(o.i("jettyThreads"), 8);
    pool.setName("jetty");
    Server server = new Server(pool);
    ServerConnector connector =
        new ServerConnector(server, 1, o.i("selectors"), new HttpConnectionFactory());
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setAcceptQueueSize(4096);
    connector.setIdleTimeout(600_000); // keep-alive baseline connections must stay open
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    int responseBuffer = o.i("responseBuffer");
    if (responseBuffer > 0) {
      // Experiment, off by default: a smaller response buffer set in front of the filter, to
      // see how much of an idle stream's memory is the container's output buffer.
      FilterHolder shrink =
          new FilterHolder(
              (jakarta.servlet.Filter)
                  (req, resp, chain) -> {
                    resp.setBufferSize(responseBuffer);
                    chain.doFilter(req, resp);
                  });
      shrink.setAsyncSupported(true);
      context.addFilter(shrink, "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    FilterHolder holder = new FilterHolder(filter);
    holder.setAsyncSupported(true);
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder plain = new ServletHolder(new PlainServlet());
    plain.setAsyncSupported(true);
    context.addServlet(plain, "/");
    server.setHandler(context);
    server.start();
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", connector.getLocalPort());
    String host = "Host: 127.0.0.1:" + connector.getLocalPort() + "\r\n";

    LoadClients load = new LoadClients(o.i("threads"), o.i("handshakes"), startNanos);
    Thread generatorThread = null;
    try {
      boolean memory = Boolean.parseBoolean(o.s("memory"));
      if (memory) {
        // Warm up both request paths once so class loading and lazy init are not counted.
        LoadClients.Conn[] warm =
            load.open(
                LoadClients.Kind.PLAIN,
                50,
                address,
                i ->
                    ("GET /plain HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII),
                1,
                30_000);
        load.awaitReady(50, 30_000);
        load.closeAll(warm);
        resetCounters(load);
        measureRaw(load, clients, r);
        measurePlain(load, connector, address, host, clients, r);
      }
      long h0 = usedHeapAfterGc();
      long d0 = directUsed();
      long c0 = System.nanoTime();
      LoadClients.Conn[] conns =
          load.open(
              LoadClients.Kind.SSE,
              clients,
              address,
              i ->
                  ("GET /api/jobs/stream HTTP/1.1\r\n"
                          + host
                          + "Accept: text/event-stream\r\n"
                          + (scoped ? "X-User: u" + i + "\r\n" : "")
                          + "\r\n")
                      .getBytes(StandardCharsets.US_ASCII),
              scoped ? clients : 1,
              180_000);
      load.awaitReady(clients, 120_000);
      r.connectSeconds = (System.nanoTime() - c0) / 1e9;
      r.clientsConnected = load.ready.get();
      r.rejected = load.rejected.get();
      for (int i = 0; i < 100 && filter.openConnections() < r.clientsConnected; i++) {
        Thread.sleep(50);
      }
      System.out.printf(
          Locale.ROOT,
          "SSE: %,d of %,d clients connected in %.1f s (%d failed, %d "
              + "answered 503), filter reports %,d open streams%n",
          r.clientsConnected,
          clients,
          r.connectSeconds,
          load.failed.get(),
          r.rejected,
          filter.openConnections());
      if (memory && r.clientsConnected > 0) {
        Thread.sleep(500);
        long h1 = usedHeapAfterGc();
        long d1 = directUsed();
        r.sseHeap = (h1 - h0) / (double) r.clientsConnected;
        r.sseDirect = (d1 - d0) / (double) r.clientsConnected;
        System.out.printf(
            Locale.ROOT,
            "memory: SSE idle %,.0f B heap + %,.0f B direct per "
                + "connection (client side included)%n",
            r.sseHeap,
            r.sseDirect);
      }

      // ---- load phase
      load.resetStats();
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      Map<Long, Long> threadCpu0 = threadCpu();
      long w0 = System.nanoTime();
      load.steadyFromNanos = w0 + o.i("warmup") * 1_000_000_000L;
      UpdateGenerator g =
          new UpdateGenerator(
              queue.tracker(),
              scoped ? clients : 0,
              rate,
              progress,
              inflight,
              seconds * 1_000_000_000L,
              startNanos);
      generatorThread = new Thread(g, "sse-load-generator");
      generatorThread.start();
      long lastOps = 0;
      long lastEvents = 0;
      double loadSum = 0;
      int loadSamples = 0;
      System.out.println("   t  changes/s  delivered/s  status(total)  open  dropped");
      for (int s = 1; generatorThread.isAlive(); s++) {
        generatorThread.join(1000);
        long ops = g.ops;
        long ev = load.events();
        double la = os.getSystemLoadAverage();
        if (la >= 0) {
          loadSum += la;
          loadSamples++;
        }
        System.out.printf(
            Locale.ROOT,
            "%4d %10d %12d %14d %5d %8d%n",
            s,
            ops - lastOps,
            ev - lastEvents,
            load.statusEvents(),
            filter.openConnections(),
            filter.droppedClients());
        lastOps = ops;
        lastEvents = ev;
      }
      if (g.failure != null) {
        r.failure = "generator failed: " + g.failure;
        g.failure.printStackTrace();
      }
      long genEnd = System.nanoTime();
      long eventsAtGenEnd = load.events();
      long statusAtGenEnd = load.statusEvents();
      r.jobs = g.jobs;
      r.generated = g.pacedOps + g.windDownOps;
      r.statusChanges = g.statusChanges;
      r.generatedRate = g.pacedOps / (g.pacedNanos / 1e9);
      r.maxLagMillis = g.maxLagNanos / 1e6;
      r.callP99Micros = g.callMicros.quantile(0.99);
      int receivers = scoped ? 1 : r.clientsConnected;
      r.expectedDeliveries = r.generatedRate * receivers;
      r.expectedStatus = scoped ? 3L * g.jobs : 3L * g.jobs * r.clientsConnected;
      // ---- wait for the tail
      long drainDeadline = System.nanoTime() + o.i("drain") * 1_000_000_000L;
      long lastStatus = -1;
      long stableSince = System.nanoTime();
      while (System.nanoTime() < drainDeadline) {
        long st = load.statusEvents();
        if (st >= r.expectedStatus) {
          break;
        }
        if (st != lastStatus) {
          lastStatus = st;
          stableSince = System.nanoTime();
        } else if (System.nanoTime() - stableSince > 3_000_000_000L) {
          break; // nothing arrived for 3 s
        }
        Thread.sleep(50);
      }
      load.barrier();
      long w1 = System.nanoTime();
      r.cpuCores = (os.getProcessCpuTime() - cpu0) / (double) (w1 - w0);
      r.threadCores = threadCoresByGroup(threadCpu0, w1 - w0);
      r.drainSeconds = (w1 - genEnd) / 1e9;
      r.loadAverage = loadSamples == 0 ? -1 : loadSum / loadSamples;
      r.stats = load.stats();
      double loadSeconds = (genEnd - w0) / 1e9;
      r.deliveredRate = eventsAtGenEnd / loadSeconds;
      r.statusDeliveredRate = statusAtGenEnd / loadSeconds;
      // ---- losses: every client must have queued, running and completed of each of its jobs
      for (LoadClients.Conn c : conns) {
        if (c == null || !c.isReady) {
          continue;
        }
        int lost = 0;
        for (int j = scoped ? c.index : 0; j < g.jobs; j += scoped ? clients : 1) {
          lost += 3 - Integer.bitCount(c.seenBits(j) & 7);
        }
        if (lost > 0) {
          r.clientsWithLoss++;
          r.lostStatus += lost;
        }
      }
      r.closedByPeer = load.closedByPeer.get();
      r.dropped = filter.droppedClients();
      printResult(r);
      load.closeAll(conns);
    } catch (Exception e) {
      r.failure = String.valueOf(e);
      e.printStackTrace();
    } finally {
      if (generatorThread != null) {
        generatorThread.join(60_000);
      }
      load.close();
      server.stop();
      filter.destroy();
      queue.close();
    }
    return r;
  }

  private static void resetCounters(LoadClients load) {
    load.ready.set(0);
    load.failed.set(0);
    load.connected.set(0);
    load.closedByPeer.set(0);
    load.rejected.set(0);
  }

  /** Baseline 1: N raw TCP connections to a bare NIO acceptor (clients + bare server sockets). */
  private static void measureRaw(LoadClients load, int n, Result r) throws Exception {
    ServerSocketChannel acceptor = ServerSocketChannel.open();
    acceptor.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
    List<SocketChannel> accepted = new ArrayList<>(n);
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  SocketChannel ch = acceptor.accept();
                  synchronized (accepted) {
                    accepted.add(ch);
                  }
                }
              } catch (IOException closed) {
                // acceptor closed
              }
            },
            "sse-load-raw-acceptor");
    t.setDaemon(true);
    t.start();
    long h0 = usedHeapAfterGc();
    LoadClients.Conn[] conns =
        load.open(
            LoadClients.Kind.RAW,
            n,
            (InetSocketAddress) acceptor.getLocalAddress(),
            null,
            1,
            120_000);
    load.awaitReady(n, 60_000);
    for (int i = 0; i < 200; i++) {
      synchronized (accepted) {
        if (accepted.size() >= n) {
          break;
        }
      }
      Thread.sleep(50);
    }
    int count = load.ready.get();
    long h1 = usedHeapAfterGc();
    r.rawHeap = (h1 - h0) / (double) count;
    System.out.printf(
        Locale.ROOT,
        "memory baseline: %,d raw TCP connections, %,.0f B heap per "
            + "connection (client + bare server socket)%n",
        count,
        r.rawHeap);
    load.closeAll(conns);
    acceptor.close();
    synchronized (accepted) {
      for (SocketChannel ch : accepted) {
        ch.close();
      }
    }
    t.join(5000);
    resetCounters(load);
  }

  /** Baseline 2: N idle HTTP/1.1 keep-alive connections to the same Jetty, one request each. */
  private static void measurePlain(
      LoadClients load,
      ServerConnector connector,
      InetSocketAddress address,
      String host,
      int n,
      Result r)
      throws Exception {
    long h0 = usedHeapAfterGc();
    long d0 = directUsed();
    LoadClients.Conn[] conns =
        load.open(
            LoadClients.Kind.PLAIN,
            n,
            address,
            i -> ("GET /plain HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII),
            1,
            120_000);
    load.awaitReady(n, 60_000);
    int count = load.ready.get();
    Thread.sleep(500);
    long h1 = usedHeapAfterGc();
    long d1 = directUsed();
    r.plainHeap = (h1 - h0) / (double) count;
    r.plainDirect = (d1 - d0) / (double) count;
    System.out.printf(
        Locale.ROOT,
        "memory baseline: %,d idle keep-alive HTTP connections, %,.0f B "
            + "heap + %,.0f B direct per connection (client side included)%n",
        count,
        r.plainHeap,
        r.plainDirect);
    load.closeAll(conns);
    for (int i = 0; i < 200 && !connector.getConnectedEndPoints().isEmpty(); i++) {
      Thread.sleep(50);
    }
    resetCounters(load);
  }

  private static Map<Long, Long> threadCpu() {
    var mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> out = new java.util.HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      out.put(id, mx.getThreadCpuTime(id));
    }
    return out;
  }

  /** CPU used per thread group (name without its number) since {@code before}, in cores. */
  private static String threadCoresByGroup(Map<Long, Long> before, long wallNanos) {
    var mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> byGroup = new java.util.TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      var info = mx.getThreadInfo(id);
      long now = mx.getThreadCpuTime(id);
      if (info == null || now < 0) {
        continue;
      }
      String group = info.getThreadName().replaceAll("[-_]?\\d+$", "").replaceAll("-\\d+-", "-");
      byGroup.merge(group, now - before.getOrDefault(id, 0L), Long::sum);
    }
    StringBuilder b = new StringBuilder();
    byGroup.entrySet().stream()
        .filter(e -> e.getValue() > wallNanos / 100)
        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .forEach(
            e ->
                b.append(
                    String.format(
                        Locale.ROOT, "%s %.2f, ", e.getKey(), e.getValue() / (double) wallNanos)));
    return b.length() == 0 ? "" : b.substring(0, b.length() - 2);
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long directUsed() {
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        return b.getMemoryUsed();
      }
    }
    return 0;
  }

  private static void printResult(Result r) {
    LoadClients.Stats s = r.stats;
    System.out.printf(
        Locale.ROOT,
        "%s: generated %,d changes (%,d status, %,d jobs) at %,.0f/s; "
            + "received %,d events (%,d status, %,d progress), %d duplicates, %d foreign, "
            + "%d resets; lost %,d status events on %d clients; %d closed by the server "
            + "(filter dropped %d)%n",
        r.name,
        r.generated,
        r.statusChanges,
        r.jobs,
        r.generatedRate,
        s.events,
        s.statusEvents,
        s.progressEvents,
        s.duplicates,
        s.foreign,
        s.resets,
        r.lostStatus,
        r.clientsWithLoss,
        r.closedByPeer,
        r.dropped);
  }

  private static void summary(Options o, double rawTracker, List<Result> results) {
    System.out.printf(
        Locale.ROOT, "%n==================== SSE load test summary ====================%n");
    System.out.printf(
        Locale.ROOT,
        "baseline, same run: tracker alone makes %,.0f changes/s " + "(no listener, unpaced)%n",
        rawTracker);
    System.out.println(
        "memory = (heap used after System.gc() with N idle connections - before) / N,"
            + " plus the JVM's direct buffer pool the same way; clients live in this JVM, so each row"
            + " includes them, and the raw TCP row is mostly the client side");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT, "%n[%s]%s%n", r.name, r.failure == null ? "" : "  FAILED: " + r.failure);
      row(
          "clients connected",
          String.format(
              Locale.ROOT,
              "%,d of %,d in %.1f s (%d got 503)",
              r.clientsConnected,
              r.clientsWanted,
              r.connectSeconds,
              r.rejected));
      if (!Double.isNaN(r.sseHeap)) {
        row(
            "memory / idle SSE connection",
            String.format(
                Locale.ROOT,
                "%,.0f B heap + %,.0f B direct (server + client, same JVM)",
                r.sseHeap,
                r.sseDirect));
        row(
            "  baseline: keep-alive HTTP",
            String.format(
                Locale.ROOT,
                "%,.0f B heap + %,.0f B direct (Jetty connection + client)",
                r.plainHeap,
                r.plainDirect));
        row(
            "  baseline: raw TCP",
            String.format(Locale.ROOT, "%,.0f B heap (client + bare server socket)", r.rawHeap));
        row(
            "  => server cost per SSE stream",
            String.format(
                Locale.ROOT,
                "~%,.0f B (SSE - raw TCP, heap + direct); filter's own share ~%,.0f B (SSE - "
                    + "keep-alive)",
                r.sseHeap + r.sseDirect - r.rawHeap,
                r.sseHeap + r.sseDirect - r.plainHeap - r.plainDirect));
      }
      if (r.stats == null) {
        continue;
      }
      LoadClients.Stats s = r.stats;
      row(
          "changes generated",
          String.format(
              Locale.ROOT,
              "%,.0f/s (target %,.0f/s; max lag behind schedule %.1f ms; tracker call p99 %d µs)",
              r.generatedRate,
              r.targetRate,
              r.maxLagMillis,
              r.callP99Micros));
      row(
          "events delivered",
          String.format(
              Locale.ROOT,
              "%,.0f/s (%,.0f/s if nothing were coalesced; status changes %,.0f/s)",
              r.deliveredRate,
              r.expectedDeliveries,
              r.statusDeliveredRate));
      row(
          "delay change -> client, all",
          String.format(
              Locale.ROOT,
              "p50 %s  p99 %s  p99.9 %s  max %s  (%,d events)",
              ms(s.all.quantile(0.5)),
              ms(s.all.quantile(0.99)),
              ms(s.all.quantile(0.999)),
              ms(s.all.max()),
              s.all.count()));
      row(
          "delay after " + o.i("warmup") + " s warm-up",
          String.format(
              Locale.ROOT,
              "p50 %s  p99 %s  p99.9 %s  max %s  (%,d events)",
              ms(s.steady.quantile(0.5)),
              ms(s.steady.quantile(0.99)),
              ms(s.steady.quantile(0.999)),
              ms(s.steady.max()),
              s.steady.count()));
      row(
          "delay, status changes only",
          String.format(
              Locale.ROOT,
              "p50 %s  p99 %s  max %s",
              ms(s.status.quantile(0.5)),
              ms(s.status.quantile(0.99)),
              ms(s.status.max())));
      row(
          "status events lost",
          String.format(
              Locale.ROOT,
              "%,d of %,d expected, after waiting for late ones (%d clients affected; %d duplicates;"
                  + " %d of another user)",
              r.lostStatus,
              r.expectedStatus,
              r.clientsWithLoss,
              s.duplicates,
              s.foreign));
      row(
          "clients closed by server",
          String.format(Locale.ROOT, "%d (filter dropped %d)", r.closedByPeer, r.dropped));
      row(
          "CPU",
          String.format(
              Locale.ROOT,
              "this JVM %.2f cores (server + clients + generator); machine load avg %.1f",
              r.cpuCores,
              r.loadAverage));
      row("  by thread (cores)", r.threadCores);
      row("tail after the generator stopped", String.format(Locale.ROOT, "%.1f s", r.drainSeconds));
    }
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
  }

  private static void row(String k, String v) {
    System.out.printf(Locale.ROOT, "  %-32s %s%n", k, v);
  }

  /** A tiny keep-alive answer for the HTTP baseline. */
  static final class PlainServlet extends HttpServlet {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.setContentLength(OK.length);
      resp.getOutputStream().write(OK);
    }
  }
}
