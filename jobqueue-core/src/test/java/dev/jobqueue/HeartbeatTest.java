package dev.jobqueue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.memory.InMemoryJobStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the heartbeat answers reaches the handlers: a job changed in the store by someone else (as
 * another instance sharing the store would) stops its handler here. The in-memory store has no
 * change feed, so only the heartbeat can carry the news.
 */
class HeartbeatTest {
  private final InMemoryJobStore store = new InMemoryJobStore();
  private final BlockingHandler handler = new BlockingHandler();
  private final JobQueue queue =
      JobQueue.builder()
          .store(store)
          .instanceId("A")
          .workers(1)
          .lease(Duration.ofMillis(300)) // a beat every 100 ms
          .handler("block", handler)
          .build();

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void aCancelWrittenElsewhereInterruptsTheHandlerAtTheNextBeat() throws Exception {
    Job job = queue.submit(JobRequest.builder("block", "blocked").build());
    assertThat(handler.awaitStarted()).isTrue();
    Job running = store.get(job.id()).orElseThrow();
    // another instance asks the cancel: the flag, written straight to the shared store
    Job flagged = running.toBuilder().cancelRequested(true).version(running.version() + 1).build();
    assertThat(store.update(flagged, running.version())).isTrue();

    Job end = queue.await(job.id(), Duration.ofSeconds(30));
    assertThat(end.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(handler.interrupted()).isTrue();
  }

  @Test
  void aJobAnotherInstanceTookOverStopsHereAndKeepsTheOtherInstancesState() throws Exception {
    Job job = queue.submit(JobRequest.builder("block", "taken over").maxAttempts(3).build());
    assertThat(handler.awaitStarted()).isTrue();
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

    assertThat(handler.awaitEnded()).as("A's handler stopped").isTrue();
    assertThat(handler.interrupted()).isTrue();
    queue.close(); // waits for the end of A's attempt to be tried (and refused)
    Job after = store.get(job.id()).orElseThrow();
    assertThat(after).as("A wrote nothing over B's attempt").isEqualTo(onB);
  }

  @Test
  void aJobDeletedElsewhereStopsItsHandler() throws Exception {
    Job job = queue.submit(JobRequest.builder("block", "deleted").build());
    assertThat(handler.awaitStarted()).isTrue();
    Job running = store.get(job.id()).orElseThrow();
    assertThat(store.delete(job.id(), running.version())).isTrue();

    assertThat(handler.awaitEnded()).isTrue();
    assertThat(handler.interrupted()).isTrue();
    queue.close();
    assertThat(store.get(job.id())).as("the late end did not bring it back").isEmpty();
  }
}
