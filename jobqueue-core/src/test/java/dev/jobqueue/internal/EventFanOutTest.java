package dev.jobqueue.internal;

import static dev.jobqueue.Awaits.await;
import static dev.jobqueue.internal.Released.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** {@link EventFanOut}: numbering, hand-off to listeners, and completion of waiters. */
class EventFanOutTest {
  private final List<Runnable> completions = new ArrayList<>();
  private final EventFanOut fanOut = new EventFanOut(64, 1_000, completions::add);

  @Test
  void numbersEventsFromTheFirstSequenceOnAndHandsThemToListenersInThatOrder() {
    List<JobEvent> seen = new CopyOnWriteArrayList<>();
    fanOut.subscribe(seen::add);
    fanOut.release(JobEvent.Kind.CREATED, job("a", 1, JobStatus.QUEUED), true);
    fanOut.release(JobEvent.Kind.UPDATED, job("a", 2, JobStatus.RUNNING), true);
    fanOut.release(JobEvent.Kind.UPDATED, job("b", 2, JobStatus.RUNNING), false);

    assertThat(fanOut.lastSequence()).isEqualTo(1_003);
    await().until(() -> seen.size() == 3);
    assertThat(seen)
        .extracting(e -> e.jobId() + e.job().version() + "@" + e.sequence())
        .containsExactly("a1@1001", "a2@1002", "b2@1003");
    assertThat(seen.get(2).statusChanged()).isFalse();
    fanOut.closeListeners(5_000);
  }

  @Test
  void closingListenersDeliversWhatTheyBufferedFirst() {
    List<JobEvent> seen = new CopyOnWriteArrayList<>();
    fanOut.subscribe(seen::add);
    for (int v = 1; v <= 50; v++) {
      fanOut.release(JobEvent.Kind.UPDATED, job("a", v, JobStatus.RUNNING), true);
    }
    fanOut.closeListeners(10_000);
    assertThat(seen).hasSize(50);
  }

  @Test
  void aWaiterCompletesOnTheCompletionExecutorWhenItsJobEnds() throws Exception {
    CompletableFuture<Job> done = fanOut.waiter("a");
    assertThat(fanOut.waiter("a")).isSameAs(done);

    fanOut.release(JobEvent.Kind.UPDATED, job("a", 2, JobStatus.RUNNING), true);
    fanOut.release(JobEvent.Kind.DELETED, job("b", 3, JobStatus.COMPLETED), true);
    assertThat(completions).isEmpty();

    Job completed = job("a", 3, JobStatus.COMPLETED);
    fanOut.release(JobEvent.Kind.UPDATED, completed, true);
    assertThat(done).as("not on the releasing thread").isNotDone();
    assertThat(completions).hasSize(1);
    completions.get(0).run();
    assertThat(done.get()).isSameAs(completed);
  }

  @Test
  void aDeletionDoesNotCompleteAWaiter() {
    CompletableFuture<Job> done = fanOut.waiter("a");
    fanOut.release(JobEvent.Kind.DELETED, job("a", 3, JobStatus.COMPLETED), true);
    assertThat(completions).isEmpty();
    assertThat(done).isNotDone();
  }

  @Test
  void aClosingCompletionExecutorCompletesTheWaiterInPlace() throws Exception {
    EventFanOut closing =
        new EventFanOut(
            64,
            0,
            r -> {
              throw new RejectedExecutionException("closing");
            });
    CompletableFuture<Job> done = closing.waiter("a");
    Job failed = job("a", 3, JobStatus.FAILED);
    closing.release(JobEvent.Kind.UPDATED, failed, true);
    assertThat(done.get()).isSameAs(failed);
  }

  @Test
  void failingWaitersFailsEveryOneStillWaitingAndARemovedOneStaysUntouched() {
    CompletableFuture<Job> a = fanOut.waiter("a");
    CompletableFuture<Job> b = fanOut.waiter("b");
    fanOut.removeWaiter("b", b);
    fanOut.failWaiters(new IllegalStateException("closed"));

    assertThatThrownBy(a::get)
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("closed");
    assertThat(b).isNotDone();
    assertThat(fanOut.waiter("a")).as("a fresh waiter after the failure").isNotSameAs(a);
  }
}
