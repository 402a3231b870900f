package dev.jobqueue;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.memory.InMemoryJobStore;
import dev.jobqueue.spi.JobStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link JobContext#log}: bounds, batching into few store writes, live listeners. */
class JobLogsTest {

  /** A store that counts writeLog calls, or refuses logs like a store without support. */
  private static JobStore store(InMemoryJobStore target, AtomicInteger writes, boolean supported) {
    return (JobStore)
        Proxy.newProxyInstance(
            JobStore.class.getClassLoader(),
            new Class<?>[] {JobStore.class},
            (proxy, m, args) -> {
              if (m.getName().equals("writeLog") || m.getName().equals("logs")) {
                if (!supported) {
                  throw new UnsupportedOperationException("this test store keeps no logs");
                }
                if (m.getName().equals("writeLog")) {
                  writes.incrementAndGet();
                }
              }
              try {
                return m.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void aHundredThousandLinesKeepTheNewestWithAMarkerInAFewStoreWrites() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    int n = 100_000;
    long[] loggingNanos = new long[1];
    try (JobQueue queue =
        JobQueue.builder()
            .store(store(new InMemoryJobStore(), writes, true))
            .workers(1)
            .handler(
                "chatty",
                ctx -> {
                  long start = System.nanoTime();
                  for (int i = 0; i < n; i++) {
                    ctx.log("line " + i);
                  }
                  loggingNanos[0] = System.nanoTime() - start;
                  return Map.of();
                })
            .build()) {
      long start = System.nanoTime();
      Job j = queue.submit(JobRequest.builder("chatty", "logs a lot").build());
      queue.await(j.id(), Duration.ofSeconds(30));
      List<JobLog> logs = queue.logs(j.id());
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(logs).hasSize(1);
      JobLog log = logs.get(0);
      assertThat(log.lines()).hasSize(JobLog.MAX_LINES);
      assertThat(log.lines().get(0).text()).isEqualTo("line " + (n - JobLog.MAX_LINES));
      assertThat(log.lines().get(JobLog.MAX_LINES - 1).text()).isEqualTo("line " + (n - 1));
      assertThat(log.droppedMarker()).isEqualTo((n - JobLog.MAX_LINES) + " earlier lines dropped");
      // one write per 100 ms tick at most, plus the attempt's end and this read
      assertThat(writes.get()).isLessThanOrEqualTo(2 + (int) (elapsedMs / 100) + 1);
      System.out.printf(
          "100,000 log lines: %d store writes (in %d ms; the lines took %d ms)%n",
          writes.get(), elapsedMs, TimeUnit.NANOSECONDS.toMillis(loggingNanos[0]));
    }
  }

  @Test
  void linesAreBoundedByCharactersAndCut() throws Exception {
    String longLine = "é".repeat(3 * JobLog.MAX_LINE_CHARS);
    try (JobQueue queue =
        JobQueue.builder()
            .workers(1)
            .handler(
                "t",
                ctx -> {
                  for (int i = 0; i < 100; i++) {
                    ctx.log(longLine);
                  }
                  return Map.of();
                })
            .build()) {
      Job j = queue.submit(JobRequest.builder("t", "long lines").build());
      queue.await(j.id(), Duration.ofSeconds(30));
      JobLog log = queue.logs(j.id()).get(0);
      int fit = JobLog.MAX_CHARS / JobLog.MAX_LINE_CHARS;
      assertThat(log.lines()).hasSize(fit);
      assertThat(log.dropped()).isEqualTo(100 - fit);
      assertThat(log.lines().get(0).text())
          .hasSize(JobLog.MAX_LINE_CHARS)
          .endsWith("é…")
          .startsWith("éé");
    }
  }

  @Test
  void listenersGetNewLinesLiveWhileTheJobRuns() throws Exception {
    List<JobLogEvent> events = new CopyOnWriteArrayList<>();
    CountDownLatch seen = new CountDownLatch(1);
    try (JobQueue queue =
        JobQueue.builder()
            .workers(1)
            .handler(
                "t",
                ctx -> {
                  ctx.log("first <b>line</b>");
                  seen.await(); // the job is still running when the line arrives
                  ctx.log("second");
                  return Map.of();
                })
            .build()) {
      queue.subscribeLogs(
          e -> {
            events.add(e);
            seen.countDown();
          });
      Job j = queue.submit(JobRequest.builder("t", "live").userId("alice").build());
      assertThat(seen.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(events.get(0).job().status()).isEqualTo(JobStatus.RUNNING);
      assertThat(events.get(0).job().userId()).isEqualTo("alice");
      queue.await(j.id(), Duration.ofSeconds(30));
      await()
          .untilAsserted(
              () ->
                  assertThat(events)
                      .flatExtracting(JobLogEvent::lines)
                      .extracting(JobLogLine::text)
                      .containsExactly("first <b>line</b>", "second"));
      assertThat(events).allSatisfy(e -> assertThat(e.attempt()).isEqualTo(1));
      assertThat(events.get(events.size() - 1).written()).isEqualTo(2);
    }
  }

  @Test
  void aStoreWithoutLogsStillShowsTheLinesOfARunningAttempt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch logged = new CountDownLatch(1);
    try (JobQueue queue =
        JobQueue.builder()
            .store(store(new InMemoryJobStore(), new AtomicInteger(), false))
            .workers(1)
            .handler(
                "t",
                ctx -> {
                  ctx.log("kept in memory");
                  logged.countDown();
                  release.await();
                  return Map.of();
                })
            .build()) {
      Job j = queue.submit(JobRequest.builder("t", "no log support").build());
      assertThat(logged.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(queue.logs(j.id()))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l.lines())
                      .extracting(JobLogLine::text)
                      .containsExactly("kept in memory"));
      release.countDown();
      queue.await(j.id(), Duration.ofSeconds(30));
    }
  }

  @Test
  void badArgumentsAreRefused() {
    try (JobQueue queue = JobQueue.builder().workers(0).build()) {
      assertThatThrownBy(() -> queue.pause(" "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not be blank");
      assertThatThrownBy(() -> queue.resume("x".repeat(201)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 200");
      assertThatThrownBy(() -> queue.logs("nope")).isInstanceOf(JobNotFoundException.class);
    }
  }

  @Test
  void aPauseOutlivesTheQueueOnTheSameStore() {
    InMemoryJobStore store = new InMemoryJobStore();
    try (JobQueue first = JobQueue.builder().store(store).workers(0).build()) {
      first.pause("generate_image");
    }
    try (JobQueue second = JobQueue.builder().store(store).workers(0).build()) {
      assertThat(second.pausedTypes()).containsExactly("generate_image");
      second.resume("generate_image");
      assertThat(second.pausedTypes()).isEmpty();
    }
  }
}
