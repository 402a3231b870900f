package dev.jobqueue.benchmarks.sse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Thousands of HTTP/SSE clients on a few NIO selector threads: raw sockets, a hand-written HTTP/1.1
 * response parser (chunked or Content-Length) and an SSE line parser that reads just the fields the
 * load test needs straight from the received bytes. An idle client holds no buffer of its own (one
 * 64 KiB read buffer per selector thread), so its heap cost is the socket objects and one small
 * {@link Conn}.
 *
 * <p>Each job event's change time is taken from the event itself: the title carries the creation
 * time ({@code j<index> <nanoTime>}), progress messages theirs ({@code p<k> <nanoTime>}), the
 * result of a completed job {@code {"t": nanoTime}}; a start has no free-text field, so the
 * generator publishes its time in {@code startNanos[index]} before calling {@code start()}.
 */
// close() joins the selector threads and may be interrupted; the load test declares that
@SuppressWarnings("try")
final class LoadClients implements AutoCloseable {
  enum Kind {
    RAW,
    PLAIN,
    SSE
  }

  static final int QUEUED = 1;
  static final int STARTED = 2;
  static final int COMPLETED = 4;

  private static final int S_CONNECTING = 0;
  private static final int S_HEADERS = 1;
  private static final int S_CHUNK_SIZE = 2;
  private static final int S_CHUNK_DATA = 3;
  private static final int S_CHUNK_CRLF = 4;
  private static final int S_BODY = 5;
  private static final int S_IDLE = 6;
  private static final int S_CLOSED = 7;

  private static final byte[] STATUS = bytes("\"status\":\"");
  private static final byte[] PROGRESS_MESSAGE = bytes("\"progress_message\":");
  private static final byte[] TITLE = bytes("\"title\":\"");
  private static final byte[] RESULT = bytes("\"result\":");

  private final Worker[] workers;
  private final AtomicLongArray startNanos;
  private final Semaphore handshakes;
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger ready = new AtomicInteger();
  final AtomicInteger failed = new AtomicInteger();
  final AtomicInteger closedByPeer = new AtomicInteger();
  final AtomicInteger rejected = new AtomicInteger();

  /** Changes made at or after this time also go to {@link Stats#steady} (past the warm-up). */
  volatile long steadyFromNanos = Long.MAX_VALUE;

  LoadClients(int threads, int maxHandshakes, AtomicLongArray startNanos) throws IOException {
    this.startNanos = startNanos;
    this.handshakes = new Semaphore(maxHandshakes);
    workers = new Worker[threads];
    for (int i = 0; i < threads; i++) {
      workers[i] = new Worker(i);
      workers[i].thread.start();
    }
  }

  /** One client connection. Touched only by its worker thread (and by others after a barrier). */
  static final class Conn {
    final int index;
    final Kind kind;
    final byte[] request;
    final int jobDivisor;
    Worker worker;
    SocketChannel channel;
    SelectionKey key;
    int state = S_CONNECTING;
    boolean holdsPermit = true;
    boolean isReady;
    int httpStatus;
    long remaining;
    long chunkSize;
    boolean inExtension;
    byte[] partial;
    int partialLen;
    // the SSE event being read
    boolean evDeleted;
    boolean evHasId;
    boolean evJob;
    int evStatusBit;
    int evJobIndex;
    long evChangeNanos;
    boolean evProgress;

    /** Status events seen per job (bit per status), indexed by job index / jobDivisor. */
    byte[] seen;

    Conn(int index, Kind kind, byte[] request, int jobDivisor) {
      this.index = index;
      this.kind = kind;
      this.request = request;
      this.jobDivisor = jobDivisor;
    }

    int seenBits(int job) {
      int local = job / jobDivisor;
      return seen == null || local >= seen.length ? 0 : seen[local];
    }
  }

  /** Counters of one selector thread; written by it only, read by others racily while running. */
  static final class Stats {
    volatile long events;
    volatile long statusEvents;
    long progressEvents;
    long deleted;
    long heartbeats;
    long resets;
    long foreign;
    long duplicates;
    long bytes;
    final Histogram all = new Histogram();
    final Histogram status = new Histogram();

    /** Delays of changes made after the warm-up (JIT, first connections' buffers). */
    final Histogram steady = new Histogram();

    void add(Stats o) {
      events += o.events;
      statusEvents += o.statusEvents;
      progressEvents += o.progressEvents;
      deleted += o.deleted;
      heartbeats += o.heartbeats;
      resets += o.resets;
      foreign += o.foreign;
      duplicates += o.duplicates;
      bytes += o.bytes;
      all.add(o.all);
      status.add(o.status);
      steady.add(o.steady);
    }
  }

  /** Opens {@code n} connections (at most maxHandshakes waiting for their answer at a time). */
  Conn[] open(
      Kind kind,
      int n,
      InetSocketAddress address,
      IntFunction<byte[]> request,
      int jobDivisor,
      long timeoutMillis)
      throws IOException, InterruptedException {
    Conn[] conns = new Conn[n];
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (int i = 0; i < n; i++) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0 || !handshakes.tryAcquire(left, TimeUnit.MILLISECONDS)) {
        throw new IOException(
            "timed out opening connection "
                + i
                + " of "
                + n
                + " ("
                + ready.get()
                + " ready, "
                + failed.get()
                + " failed)");
      }
      Conn c = new Conn(i, kind, request == null ? null : request.apply(i), jobDivisor);
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(address);
      c.channel = ch;
      Worker w = workers[i % workers.length];
      c.worker = w;
      conns[i] = c;
      w.register(c);
    }
    return conns;
  }

  /** Waits until {@code target} connections are ready (answered) or failed. */
  boolean awaitReady(int target, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (ready.get() + failed.get() < target) {
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return ready.get() >= target;
  }

  /** Closes the given connections on their workers and waits for it. */
  void closeAll(Conn[] conns) throws InterruptedException {
    for (Conn c : conns) {
      if (c != null) {
        c.worker.tasks.add(() -> c.worker.close(c, false));
      }
    }
    barrier();
  }

  /**
   * Runs an empty task on every worker and waits for it: everything the workers did before is then
   * visible to the caller.
   */
  void barrier() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(workers.length);
    for (Worker w : workers) {
      w.tasks.add(done::countDown);
      w.selector.wakeup();
    }
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("client workers did not answer within 30 s");
    }
  }

  long events() {
    long n = 0;
    for (Worker w : workers) {
      n += w.stats.events;
    }
    return n;
  }

  long statusEvents() {
    long n = 0;
    for (Worker w : workers) {
      n += w.stats.statusEvents;
    }
    return n;
  }

  /** Merged counters and histograms; call after {@link #barrier()}. */
  Stats stats() {
    Stats s = new Stats();
    for (Worker w : workers) {
      s.add(w.stats);
    }
    return s;
  }

  /** Starts new counters and histograms (e.g. after the connect phase); call between phases. */
  void resetStats() throws InterruptedException {
    for (Worker w : workers) {
      w.tasks.add(() -> w.stats = new Stats());
    }
    barrier();
  }

  @Override
  public void close() throws InterruptedException {
    for (Worker w : workers) {
      w.running = false;
      w.selector.wakeup();
    }
    for (Worker w : workers) {
      w.thread.join(10_000);
    }
  }

  final class Worker implements Runnable {
    final Thread thread;
    final Selector selector;
    final ConcurrentLinkedQueue<Conn> pending = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    volatile boolean running = true;
    volatile Stats stats = new Stats();
    long now;

    Worker(int i) throws IOException {
      selector = Selector.open();
      thread = new Thread(this, "sse-load-client-" + i);
      thread.setDaemon(true);
    }

    void register(Conn c) {
      pending.add(c);
      selector.wakeup();
    }

    @Override
    public void run() {
      try {
        while (running) {
          selector.select(100);
          for (Conn c; (c = pending.poll()) != null; ) {
            try {
              c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            } catch (IOException e) {
              fail(c);
            }
          }
          for (Runnable r; (r = tasks.poll()) != null; ) {
            r.run();
          }
          var keys = selector.selectedKeys();
          if (keys.isEmpty()) {
            continue;
          }
          now = System.nanoTime();
          for (SelectionKey k : keys) {
            Conn c = (Conn) k.attachment();
            if (!k.isValid()) {
              continue;
            }
            try {
              if (k.isConnectable()) {
                connect(c);
              } else if (k.isReadable()) {
                read(c);
              }
            } catch (IOException | RuntimeException e) {
              if (c.state != S_CLOSED) {
                if (c.isReady) {
                  closedByPeer.incrementAndGet();
                } else {
                  fail(c);
                }
                close(c, false);
              }
            }
          }
          keys.clear();
        }
        for (SelectionKey k : selector.keys()) {
          close((Conn) k.attachment(), false);
        }
        selector.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private void connect(Conn c) throws IOException {
      if (!c.channel.finishConnect()) {
        return;
      }
      connected.incrementAndGet();
      if (c.request != null) {
        ByteBuffer req = ByteBuffer.wrap(c.request);
        for (int spins = 0; req.hasRemaining(); spins++) {
          if (c.channel.write(req) == 0 && spins > 1000) {
            throw new IOException("request not writable");
          }
        }
        c.state = S_HEADERS;
      } else {
        c.state = S_IDLE;
        markReady(c);
      }
      c.key.interestOps(SelectionKey.OP_READ);
    }

    private void read(Conn c) throws IOException {
      while (true) {
        buffer.clear();
        int n = c.channel.read(buffer);
        if (n < 0) {
          if (c.isReady) {
            closedByPeer.incrementAndGet();
          } else {
            fail(c);
          }
          close(c, true);
          return;
        }
        if (n == 0) {
          return;
        }
        stats.bytes += n;
        http(c, buffer.array(), 0, n);
        if (n < buffer.capacity() || c.state == S_CLOSED) {
          return;
        }
      }
    }

    void close(Conn c, boolean byPeer) {
      if (c == null || c.state == S_CLOSED) {
        return;
      }
      c.state = S_CLOSED;
      releasePermit(c);
      if (c.key != null) {
        c.key.cancel();
      }
      try {
        c.channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    private void fail(Conn c) {
      failed.incrementAndGet();
      releasePermit(c);
    }

    private void releasePermit(Conn c) {
      if (c.holdsPermit) {
        c.holdsPermit = false;
        handshakes.release();
      }
    }

    private void markReady(Conn c) {
      if (!c.isReady) {
        c.isReady = true;
        ready.incrementAndGet();
        releasePermit(c);
      }
    }

    // ---- HTTP/1.1 response framing ----

    private void http(Conn c, byte[] a, int off, int len) throws IOException {
      int i = off;
      int end = off + len;
      while (i < end && c.state != S_CLOSED) {
        switch (c.state) {
          case S_HEADERS -> {
            int start = i;
            while (i < end && a[i] != '\n') {
              i++;
            }
            if (i < end) {
              i++; // keep the '\n'
            }
            append(c, a, start, i - start);
            if (headersEnded(c)) {
              headers(c);
            }
          }
          case S_CHUNK_SIZE -> {
            byte b = a[i++];
            if (b == '\n') {
              c.inExtension = false;
              if (c.chunkSize == 0) {
                closedByPeer.incrementAndGet(); // last chunk: the server ended the stream
                close(c, true);
              } else {
                c.remaining = c.chunkSize;
                c.state = S_CHUNK_DATA;
              }
            } else if (b == ';') {
              c.inExtension = true;
            } else if (!c.inExtension) {
              int d = Character.digit(b, 16);
              if (d >= 0) {
                c.chunkSize = c.chunkSize * 16 + d;
              }
            }
          }
          case S_CHUNK_DATA -> {
            int n = (int) Math.min(c.remaining, end - i);
            sse(c, a, i, n);
            i += n;
            c.remaining -= n;
            if (c.remaining == 0) {
              c.state = S_CHUNK_CRLF;
            }
          }
          case S_CHUNK_CRLF -> {
            if (a[i++] == '\n') {
              c.state = S_CHUNK_SIZE;
              c.chunkSize = 0;
            }
          }
          case S_BODY -> {
            int n = (int) Math.min(c.remaining, end - i);
            if (c.kind == Kind.SSE) {
              sse(c, a, i, n);
            }
            i += n;
            c.remaining -= n;
            if (c.remaining == 0) {
              c.state = S_IDLE;
              if (c.kind == Kind.PLAIN) {
                markReady(c);
              }
            }
          }
          default -> i = end; // idle keep-alive: nothing more expected
        }
      }
    }

    private boolean headersEnded(Conn c) {
      int n = c.partialLen;
      byte[] p = c.partial;
      if (n < 2 || p[n - 1] != '\n') {
        return false;
      }
      return p[n - 2] == '\n' || (n >= 3 && p[n - 2] == '\r' && p[n - 3] == '\n');
    }

    private void headers(Conn c) throws IOException {
      String text = new String(c.partial, 0, c.partialLen, StandardCharsets.ISO_8859_1);
      c.partial = null;
      c.partialLen = 0;
      String[] lines = text.split("\r?\n");
      String[] statusLine = lines[0].split(" ");
      c.httpStatus = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
      boolean chunked = false;
      long length = -1;
      for (String l : lines) {
        String lower = l.toLowerCase(Locale.ROOT);
        if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        }
      }
      if (c.httpStatus != 200) {
        if (c.httpStatus == 503) {
          rejected.incrementAndGet();
        }
        fail(c);
        close(c, false);
        return;
      }
      if (chunked) {
        c.state = S_CHUNK_SIZE;
        c.chunkSize = 0;
      } else if (length >= 0) {
        c.state = length == 0 ? S_IDLE : S_BODY;
        c.remaining = length;
        if (length == 0 && c.kind == Kind.PLAIN) {
          markReady(c);
        }
      } else {
        c.state = S_BODY; // until the connection closes
        c.remaining = Long.MAX_VALUE;
      }
    }

    private void append(Conn c, byte[] a, int off, int len) {
      if (len == 0) {
        return;
      }
      if (c.partial == null) {
        c.partial = new byte[Math.max(256, len)];
      } else if (c.partialLen + len > c.partial.length) {
        byte[] bigger = new byte[Math.max(c.partial.length * 2, c.partialLen + len)];
        System.arraycopy(c.partial, 0, bigger, 0, c.partialLen);
        c.partial = bigger;
      }
      System.arraycopy(a, off, c.partial, c.partialLen, len);
      c.partialLen += len;
    }

    // ---- SSE ----

    private void sse(Conn c, byte[] a, int off, int len) {
      int i = off;
      int end = off + len;
      while (i < end) {
        int nl = -1;
        for (int j = i; j < end; j++) {
          if (a[j] == '\n') {
            nl = j;
            break;
          }
        }
        if (nl < 0) {
          append(c, a, i, end - i);
          return;
        }
        if (c.partialLen > 0) {
          append(c, a, i, nl - i);
          line(c, c.partial, 0, c.partialLen);
          c.partial = null; // idle clients keep no buffer
          c.partialLen = 0;
        } else {
          line(c, a, i, nl - i);
        }
        i = nl + 1;
      }
    }

    private void line(Conn c, byte[] a, int off, int len) {
      if (len > 0 && a[off + len - 1] == '\r') {
        len--;
      }
      if (len == 0) {
        dispatch(c);
        return;
      }
      byte first = a[off];
      if (first == ':') {
        stats.heartbeats++;
      } else if (startsWith(a, off, len, "data:")) {
        if (!c.evDeleted) {
          job(c, a, off + 5, off + len);
        }
      } else if (startsWith(a, off, len, "id:")) {
        c.evHasId = true;
      } else if (startsWith(a, off, len, "event:")) {
        if (startsWith(a, off, len, "event: deleted")) {
          c.evDeleted = true;
        } else if (startsWith(a, off, len, "event: reset")) {
          stats.resets++;
          c.evDeleted = true; // not a job: ignore its data
        }
      }
    }

    private void dispatch(Conn c) {
      Stats s = stats;
      if (c.evJob) {
        long delayMicros = (now - c.evChangeNanos) / 1000;
        s.all.record(delayMicros);
        if (c.evChangeNanos - steadyFromNanos >= 0) {
          s.steady.record(delayMicros);
        }
        s.events++;
        if (c.evProgress) {
          s.progressEvents++;
        } else {
          s.status.record(delayMicros);
          s.statusEvents++;
          int local = c.evJobIndex / c.jobDivisor;
          if (c.jobDivisor > 1 && c.evJobIndex % c.jobDivisor != c.index) {
            s.foreign++; // another user's job reached this client
          }
          if (c.seen == null || local >= c.seen.length) {
            byte[] bigger = new byte[Math.max(local + 1, c.seen == null ? 4 : c.seen.length * 2)];
            if (c.seen != null) {
              System.arraycopy(c.seen, 0, bigger, 0, c.seen.length);
            }
            c.seen = bigger;
          }
          if ((c.seen[local] & c.evStatusBit) != 0) {
            s.duplicates++;
          }
          c.seen[local] |= (byte) c.evStatusBit;
        }
      } else if (c.evDeleted) {
        s.deleted++;
      }
      if (c.evHasId && c.kind == Kind.SSE) {
        markReady(c); // the connect-time frames ended with the resume id
      }
      c.evJob = false;
      c.evDeleted = false;
      c.evHasId = false;
      c.evProgress = false;
    }

    /** Reads status, progress_message, title and result of one job JSON, in that order. */
    private void job(Conn c, byte[] a, int from, int end) {
      int p = indexOf(a, from, end, STATUS);
      if (p < 0) {
        return;
      }
      p += STATUS.length;
      byte s0 = a[p];
      byte s1 = a[p + 1];
      int bit = s0 == 'q' ? QUEUED : s0 == 'r' ? STARTED : s0 == 'c' && s1 == 'o' ? COMPLETED : 0;
      int m = indexOf(a, p, end, PROGRESS_MESSAGE);
      long progressNanos = -1;
      if (m >= 0 && a[m + PROGRESS_MESSAGE.length] == '"') {
        int q = m + PROGRESS_MESSAGE.length + 1;
        while (q < end && a[q] != ' ') {
          q++;
        }
        progressNanos = parseLong(a, q + 1, end);
        p = q;
      }
      int t = indexOf(a, p, end, TITLE);
      if (t < 0) {
        return;
      }
      t += TITLE.length + 1; // skip 'j'
      int jobIndex = (int) parseLong(a, t, end);
      while (t < end && a[t] != ' ') {
        t++;
      }
      long createdNanos = parseLong(a, t + 1, end);
      long change;
      boolean progress = false;
      if (bit == QUEUED) {
        change = createdNanos;
      } else if (bit == STARTED && progressNanos < 0) {
        change = startNanos.get(jobIndex);
      } else if (bit == STARTED) {
        change = progressNanos;
        progress = true;
      } else if (bit == COMPLETED) {
        int r = indexOf(a, t, end, RESULT);
        if (r < 0) {
          return;
        }
        r += RESULT.length;
        while (r < end && (a[r] < '0' || a[r] > '9') && a[r] != '-') {
          r++;
        }
        change = parseLong(a, r, end);
      } else {
        return; // failed/cancelled: the generator makes none
      }
      c.evJob = true;
      c.evStatusBit = bit;
      c.evJobIndex = jobIndex;
      c.evChangeNanos = change;
      c.evProgress = progress;
    }
  }

  private static boolean startsWith(byte[] a, int off, int len, String prefix) {
    if (len < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (a[off + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] a, int from, int end, byte[] needle) {
    byte n0 = needle[0];
    outer:
    for (int i = from; i <= end - needle.length; i++) {
      if (a[i] != n0) {
        continue;
      }
      for (int k = 1; k < needle.length; k++) {
        if (a[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static long parseLong(byte[] a, int from, int end) {
    long v = 0;
    boolean neg = false;
    int i = from;
    if (i < end && a[i] == '-') {
      neg = true;
      i++;
    }
    for (; i < end; i++) {
      int d = a[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static List<Conn> live(Conn[] conns) {
    List<Conn> out = new ArrayList<>();
    for (Conn c : conns) {
      if (c != null && c.state != S_CLOSED) {
        out.add(c);
      }
    }
    return out;
  }
}
