package dev.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.memory.InMemoryJobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the heartbeat answers reaches the handlers: a job changed in the store by someone else (as
 * another instance sharing the store would) stops its handler here. The in-memory store has no
 * change feed, so only the heartbeat can carry the news.
 */
class HeartbeatTest {
  private final InMemoryJobStore store = new InMemoryJobStore();
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final CountDownLatch handlerEnded = new CountDownLatch(1);
  private final JobQueue queue =
      JobQueue.builder()
          .store(store)
          .instanceId("A")
          .workers(1)
          .lease(Duration.ofMillis(300)) // a beat every 100 ms
          .handler(
              "block",
              ctx -> {
                started.countDown();
                try {
                  new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                  interrupted.set(true);
                  throw e;
                } finally {
                  handlerEnded.countDown();
                }
                return Map.of("by", "A");
              })
          .build();

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void aCancelWrittenElsewhereInterruptsTheHandlerAtTheNextBeat() throws Exception {
    Job job = queue.submit(JobRequest.builder("block", "blocked").build());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Job running = store.get(job.id()).orElseThrow();
    // another instance asks the cancel: the flag, written straight to the shared store
    Job flagged = running.toBuilder().cancelRequested(true).version(running.version() + 1).build();
    assertThat(store.update(flagged, running.version())).isTrue();

    Job end = queue.await(job.id(), Duration.ofSeconds(30));
    assertThat(end.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(interrupted).isTrue();
  }

  @Test
  void aJobAnotherInstanceTookOverStopsHereAndKeepsTheOtherInstancesState() throws Exception {
    Job job = queue.submit(JobRequest.builder("block", "taken over").maxAttempts(3).build());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Job running = store.get(job.id()).orElseThrow();
    // B recovered the job (A's lease lapsed, say A was paused) and runs attempt 2 now
    Instant now = Instant.now();
    Job onB =
        running.toBuilder()
            .version(running.version() + 1)
            .attempt(2)
            .owner("B")
            .startedAt(now)
            .updatedAt(now)
            .leaseExpiresAt(now.plusSeconds(60))
            .build();
    assertThat(store.update(onB, running.version())).isTrue();

    assertThat(handlerEnded.await(30, TimeUnit.SECONDS)).as("A's handler stopped").isTrue();
    assertThat(interrupted).isTrue();
    queue.close(); // waits for the end of A's attempt to be tried (and refused)
    Job after = store.get(job.id()).orElseThrow();
    assertThat(after).as("A wrote nothing over B's attempt").isEqualTo(onB);
  }

  @Test
  void aJobDeletedElsewhereStopsItsHandler() throws Exception {
    Job job = queue.submit(JobRequest.builder("block", "deleted").build());
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    Job running = store.get(job.id()).orElseThrow();
    assertThat(store.delete(job.id(), running.version())).isTrue();

    assertThat(handlerEnded.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).isTrue();
    queue.close();
    assertThat(store.get(job.id())).as("the late end did not bring it back").isEmpty();
  }
}
