package dev.jobqueue.internal;

import static dev.jobqueue.Awaits.await;
import static dev.jobqueue.internal.Released.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EventHub} as the queue uses it: writes with their events, batch inserts, waiters, close.
 */
class EventHubTest {
  private final EventHub hub = new EventHub(64, 0, Runnable::run);
  private final List<String> seen = new CopyOnWriteArrayList<>();

  EventHubTest() {
    hub.subscribe(e -> seen.add(e.sequence() + ":" + Released.describe(e.kind(), e.job())));
  }

  @AfterEach
  void close() {
    hub.closeListeners(5_000);
  }

  @Test
  void aWriteThatStoredIsPublishedAndOneThatFailedOrThrewIsNot() {
    Job a1 = job("a", 1, JobStatus.QUEUED);
    assertThat(hub.written(JobEvent.Kind.CREATED, a1, true, () -> true)).isTrue();
    assertThat(
            hub.written(JobEvent.Kind.UPDATED, job("a", 2, JobStatus.RUNNING), true, () -> false))
        .isFalse();
    assertThatThrownBy(
            () ->
                hub.written(
                    JobEvent.Kind.UPDATED,
                    job("a", 2, JobStatus.CANCELLED),
                    true,
                    () -> {
                      throw new IllegalStateException("store down");
                    }))
        .hasMessage("store down");
    hub.publishStored(JobEvent.Kind.DELETED, a1);

    assertThat(hub.lastSequence()).isEqualTo(2);
    await().until(() -> seen.size() == 2);
    assertThat(seen).containsExactly("1:a1 CREATED QUEUED", "2:a1 DELETED QUEUED");
  }

  @Test
  void theStartOfAJobReservedWhileItsBatchInsertCommitsIsPublishedAfterTheBatch() {
    List<EventHub.Pending> batch =
        List.of(
            hub.begin(JobEvent.Kind.CREATED, job("a", 1, JobStatus.QUEUED), true),
            hub.begin(JobEvent.Kind.CREATED, job("b", 1, JobStatus.QUEUED), true));
    // a worker reserved a once it was stored, before the insert returned, and started it
    hub.begin(JobEvent.Kind.UPDATED, job("a", 2, JobStatus.RUNNING), true).resolve(true);
    hub.begin(JobEvent.Kind.UPDATED, job("c", 2, JobStatus.RUNNING), true).resolve(true);
    await().until(() -> seen.size() == 1);
    assertThat(seen).containsExactly("1:c2 RUNNING");

    hub.resolveAll(batch, true);
    await().until(() -> seen.size() == 4);
    assertThat(seen)
        .containsExactly(
            "1:c2 RUNNING", "2:a1 CREATED QUEUED", "3:b1 CREATED QUEUED", "4:a2 RUNNING");
  }

  @Test
  void closingFlushesTheEventsOfWritesThatReturnedBeforeFailingWaiters() throws Exception {
    CompletableFuture<Job> a = hub.waiter("a");
    CompletableFuture<Job> b = hub.waiter("b");
    EventHub.Pending a2 = hub.begin(JobEvent.Kind.UPDATED, job("a", 2, JobStatus.COMPLETED), true);
    Thread writer = new Thread(() -> a2.resolve(true));
    writer.start();
    hub.failWaiters(new IllegalStateException("closed"));
    writer.join();

    assertThat(a.get().status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(b).isCompletedExceptionally();
  }
}
