package dev.jobqueue.servlet.internal;

import static dev.jobqueue.servlet.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.NewThreads;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's writer pool against a scripted {@link ServletOutputStream}: the listener thread only
 * queues, a writer thread writes what is queued with one flush, parks while the container is not
 * ready and resumes on {@code onWritePossible}.
 */
class SseWritersTest {
  /** A container output whose readiness the test decides. */
  static final class ScriptedOutput extends ServletOutputStream {
    volatile boolean ready;
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final List<String> writerThreads = new ArrayList<>();
    volatile int flushes;
    int writesBeforeFirstFlush = -1;
    int writes;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void setWriteListener(WriteListener l) {}

    @Override
    public synchronized void write(int b) {
      written.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      if (!ready) {
        throw new IllegalStateException("write while not ready");
      }
      written.write(b, off, len);
      writes++;
      writerThreads.add(Thread.currentThread().getName());
    }

    @Override
    public synchronized void flush() {
      if (!ready) {
        throw new IllegalStateException("flush while not ready");
      }
      if (flushes++ == 0) {
        writesBeforeFirstFlush = writes;
      }
    }

    synchronized String text() {
      return written.toString(StandardCharsets.UTF_8);
    }

    synchronized List<String> threads() {
      return List.copyOf(writerThreads);
    }
  }

  JobQueue queue;
  SseHub hub;

  /** SSE threads started after this point: the hub's, not another test's. */
  final NewThreads sseThreads = NewThreads.since("jobqueue-sse-");

  @BeforeEach
  void start() {
    queue = JobQueue.builder().workers(0).build();
    hub = new SseHub(queue, new SseFrames(new JobJson(false)), 100, Duration.ofHours(1), 10, 2);
    hub.start();
  }

  @AfterEach
  void stop() {
    hub.close();
    queue.close();
  }

  static AsyncContext asyncContext() {
    return (AsyncContext)
        Proxy.newProxyInstance(
            SseWritersTest.class.getClassLoader(),
            new Class<?>[] {AsyncContext.class},
            (proxy, method, args) -> null);
  }

  static List<Long> ids(String text) {
    List<Long> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^id: (\\d+)$").matcher(text);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }

  Job created(String title) {
    return queue.tracker().create(JobRequest.builder("upload", title).build());
  }

  @Test
  void writersBatchQueuedFramesParkWhileNotReadyAndResumeOnWritePossible() {
    ScriptedOutput out = new ScriptedOutput();
    SseConnection c =
        new SseConnection(
            hub, asyncContext(), new StreamScope(null, Set.of(), null, null), "test", 64);
    hub.attach(c, null);
    c.start(List.of(SseFrames.retry(Duration.ofSeconds(3))), Map.of(), -1, out);

    // Before the container says the stream is writable, events only queue up.
    for (int i = 0; i < 5; i++) {
      created("early " + i);
    }
    await().until(() -> c.backlog() == 6);
    assertThat(out.text()).isEmpty();

    out.ready = true;
    c.onWritePossible();
    await().until(() -> c.backlog() == 0 && out.flushes == 1);
    assertThat(out.writesBeforeFirstFlush).as("several frames, then one flush").isEqualTo(6);
    assertThat(out.threads()).allMatch(t -> t.startsWith("jobqueue-sse-writer-"));

    // Not ready: the writer parks and nothing is written until onWritePossible.
    out.ready = false;
    for (int i = 0; i < 3; i++) {
      created("late " + i);
    }
    await().until(() -> c.backlog() == 3);
    assertThat(ids(out.text())).hasSize(5);
    out.ready = true;
    c.onWritePossible();
    await().until(() -> c.backlog() == 0 && ids(out.text()).size() == 8);
    List<Long> ids = ids(out.text());
    assertThat(ids).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void closeStopsTheWriterAndHeartbeatThreads() {
    ScriptedOutput out = new ScriptedOutput();
    out.ready = true;
    SseConnection c =
        new SseConnection(
            hub, asyncContext(), new StreamScope(null, Set.of(), null, null), "test", 64);
    hub.attach(c, null);
    c.start(List.of(), Map.of(), -1, out);
    c.onWritePossible();
    created("one");
    await().until(() -> ids(out.text()).size() == 1);
    assertThat(sseThreads.names()).isNotEmpty();
    hub.close();
    assertThat(sseThreads.names()).isEmpty();
  }
}
