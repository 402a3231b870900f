package dev.jobqueue.internal;

import static dev.jobqueue.internal.Released.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link OrderedRelease}'s invariants, one scenario each, driven from one thread in a chosen order
 * of begin and resolve (and, for the hand-off between drainers, with latches across threads).
 */
class OrderedReleaseTest {
  private final Released released = new Released();
  private final OrderedRelease queue = new OrderedRelease(released);

  private PendingEvent created(String id) {
    return Released.begin(queue, JobEvent.Kind.CREATED, job(id, 1, JobStatus.QUEUED));
  }

  private PendingEvent updated(String id, long version, JobStatus status) {
    return Released.begin(queue, JobEvent.Kind.UPDATED, job(id, version, status));
  }

  @Test
  void eventsLeaveInQueueOrderWhateverOrderTheirWritesReturnIn() {
    PendingEvent a2 = updated("a", 2, JobStatus.RUNNING);
    PendingEvent b2 = updated("b", 2, JobStatus.RUNNING);
    PendingEvent a3 = updated("a", 3, JobStatus.COMPLETED);

    a3.resolve(true);
    b2.resolve(true);
    assertThat(released.events()).as("held back by a's unfinished write of version 2").isEmpty();

    a2.resolve(true);
    assertThat(released.events()).containsExactly("a2 RUNNING", "b2 RUNNING", "a3 COMPLETED");
  }

  @Test
  void aFailedWriteIsDroppedAndHoldsNothingBack() {
    PendingEvent lost = updated("a", 2, JobStatus.CANCELLED);
    PendingEvent won = updated("a", 2, JobStatus.RUNNING);
    won.resolve(true);
    assertThat(released.events()).isEmpty();

    lost.resolve(false);
    assertThat(released.events()).containsExactly("a2 RUNNING");
  }

  @Test
  void anUnfinishedCreationHoldsBackOnlyItsOwnJob() {
    PendingEvent a1 = created("a"); // a batch insert still committing
    PendingEvent b2 = updated("b", 2, JobStatus.RUNNING);
    b2.resolve(true);
    assertThat(released.events()).containsExactly("b2 RUNNING");

    // a worker read a once it was stored, before the insert returned
    updated("a", 2, JobStatus.RUNNING).resolve(true);
    PendingEvent b3 = updated("b", 3, JobStatus.COMPLETED);
    b3.resolve(true);
    assertThat(released.events()).containsExactly("b2 RUNNING", "b3 COMPLETED");

    a1.resolve(true);
    assertThat(released.events())
        .as("b's events, released past the creation, are not released again")
        .containsExactly("b2 RUNNING", "b3 COMPLETED", "a1 CREATED QUEUED", "a2 RUNNING");
  }

  @Test
  void aFailedWriteOfAJobWhoseCreationIsStillCommittingIsDroppedAndHoldsNothingBack() {
    PendingEvent a1 = created("a");
    updated("a", 2, JobStatus.RUNNING).resolve(false); // a start that lost to a cancel, say
    updated("b", 2, JobStatus.RUNNING).resolve(true);
    assertThat(released.events()).containsExactly("b2 RUNNING");

    a1.resolve(true);
    assertThat(released.events()).containsExactly("b2 RUNNING", "a1 CREATED QUEUED");
  }

  @Test
  void anUnfinishedWriteHoldsBackEverythingAfterItEvenPastACreation() {
    PendingEvent a1 = created("a");
    PendingEvent b2 = updated("b", 2, JobStatus.RUNNING);
    updated("b", 3, JobStatus.COMPLETED).resolve(true);
    a1.resolve(true);
    assertThat(released.events()).containsExactly("a1 CREATED QUEUED");

    b2.resolve(true);
    assertThat(released.events())
        .containsExactly("a1 CREATED QUEUED", "b2 RUNNING", "b3 COMPLETED");
  }

  @Test
  void aBatchIsResolvedTogetherAndReleasedInQueueOrder() {
    List<PendingEvent> batch = List.of(created("a"), created("b"), created("c"));
    queue.resolveAll(batch, true);
    assertThat(released.events())
        .containsExactly("a1 CREATED QUEUED", "b1 CREATED QUEUED", "c1 CREATED QUEUED");

    queue.resolveAll(List.of(created("d"), created("e")), false);
    assertThat(released.events()).hasSize(3);
  }

  @Test
  void aSinkThatThrowsLosesOnlyThatEvent() {
    List<String> seen = new ArrayList<>();
    OrderedRelease q =
        new OrderedRelease(
            (kind, job, changed) -> {
              if (job.id().equals("bad")) {
                throw new IllegalStateException("listener bug");
              }
              seen.add(job.id());
            });
    PendingEvent bad = Released.begin(q, JobEvent.Kind.CREATED, job("bad", 1, JobStatus.QUEUED));
    PendingEvent good = Released.begin(q, JobEvent.Kind.CREATED, job("good", 1, JobStatus.QUEUED));
    good.resolve(true);
    bad.resolve(true);
    Released.begin(q, JobEvent.Kind.CREATED, job("later", 1, JobStatus.QUEUED)).resolve(true);
    assertThat(seen).containsExactly("good", "later");
  }

  @Test
  void aWriterThatResolvesWhileAnotherDrainsReturnsAndTheDrainerReleasesItsEvent()
      throws Exception {
    CountDownLatch inSink = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    List<String> releasedBy = new ArrayList<>();
    OrderedRelease q =
        new OrderedRelease(
            (kind, job, changed) -> {
              releasedBy.add(job.id() + " by " + Thread.currentThread().getName());
              if (job.id().equals("a")) {
                inSink.countDown();
                await(letGo);
              }
            });
    PendingEvent a = Released.begin(q, JobEvent.Kind.CREATED, job("a", 1, JobStatus.QUEUED));
    PendingEvent b = Released.begin(q, JobEvent.Kind.CREATED, job("b", 1, JobStatus.QUEUED));
    Thread drainer = new Thread(() -> a.resolve(true), "drainer");
    drainer.start();
    await(inSink);

    // the drainer is stuck in the sink: resolving must neither block nor release on this thread
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> b.resolve(true));
    letGo.countDown();
    drainer.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(drainer.isAlive()).isFalse();
    assertThat(releasedBy).containsExactly("a by drainer", "b by drainer");
  }

  @Test
  void anUnfinishedWriteOnAnotherThreadHoldsBackAndItsWriterReleasesTheRest() throws Exception {
    PendingEvent a2 = updated("a", 2, JobStatus.RUNNING);
    updated("a", 3, JobStatus.COMPLETED).resolve(true);
    assertThat(released.events()).isEmpty();

    Thread writer = new Thread(() -> a2.resolve(true), "writer");
    writer.start();
    writer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(writer.isAlive()).isFalse();
    assertThat(released.events()).containsExactly("a2 RUNNING", "a3 COMPLETED");
  }

  @Test
  void aFlushFromInsideAReleaseReturnsInsteadOfWaitingForItself() {
    OrderedRelease[] q = new OrderedRelease[1];
    List<String> seen = new ArrayList<>();
    q[0] =
        new OrderedRelease(
            (kind, job, changed) -> {
              seen.add(job.id());
              q[0].flush(60_000); // a waiter's callback closing the queue, say
            });
    PendingEvent a = Released.begin(q[0], JobEvent.Kind.UPDATED, job("a", 2, JobStatus.RUNNING));
    PendingEvent b = Released.begin(q[0], JobEvent.Kind.UPDATED, job("b", 2, JobStatus.RUNNING));
    b.resolve(true);
    assertThat(seen).isEmpty();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> a.resolve(true));
    assertThat(seen).containsExactly("a", "b");
  }

  @Test
  void flushWaitsForTheQueuedEventsAndGivesUpOnAWriteThatNeverReturns() throws Exception {
    PendingEvent stuck = updated("a", 2, JobStatus.RUNNING);
    updated("b", 2, JobStatus.RUNNING).resolve(true);
    queue.flush(1);
    assertThat(released.events()).as("gave up after the timeout").isEmpty();

    Thread writer = new Thread(() -> stuck.resolve(true), "writer");
    writer.start();
    queue.flush(10_000);
    assertThat(released.events()).containsExactly("a2 RUNNING", "b2 RUNNING");
    writer.join();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
