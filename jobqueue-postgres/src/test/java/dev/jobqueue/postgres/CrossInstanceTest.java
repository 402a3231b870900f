package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances on one database: A only watches and cancels, B runs the jobs. The lease is long
 * (its heartbeat would come after the waits here), so what arrives arrives through the change feed.
 */
class CrossInstanceTest {
  @RegisterExtension static final PgSchema db = new PgSchema(10);
  private static int tables;

  private PostgresJobStore storeA;
  private PostgresJobStore storeB;
  private JobQueue a;
  private JobQueue b;
  private final List<JobEvent> seenByA = new CopyOnWriteArrayList<>();
  private final CountDownLatch progressSeenByA = new CountDownLatch(1);
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();

  @BeforeEach
  void twoInstances() {
    String prefix = "t" + ++tables + "_";
    storeA = PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build();
    storeB = PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build();
    a =
        JobQueue.builder()
            .store(storeA)
            .instanceId("A")
            .lease(Duration.ofMinutes(5))
            .handler("other", ctx -> Map.of())
            .build();
    a.subscribe(
        e -> {
          seenByA.add(e);
          if (e.job().progress() == 0.5) {
            progressSeenByA.countDown();
          }
        });
    b =
        JobQueue.builder()
            .store(storeB)
            .instanceId("B")
            .lease(Duration.ofMinutes(5))
            .handler(
                "report",
                ctx -> {
                  ctx.progress(0.5, "half way");
                  progressSeenByA.await();
                  return Map.of("done", true);
                })
            .handler(
                "block",
                ctx -> {
                  started.countDown();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                  }
                  return Map.of();
                })
            .build();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    storeA.close();
    storeB.close();
  }

  @Test
  void aListenerOnOneInstanceSeesEveryChangeOfAJobRunOnAnother() {
    Job job = b.submit(JobRequest.builder("report", "reported").build());
    await().until(() -> statusesSeenByA(job.id()).contains(JobStatus.COMPLETED));
    assertThat(statusesSeenByA(job.id()))
        .containsExactly(
            JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.COMPLETED);
    List<JobEvent> events = eventsSeenByA(job.id());
    assertThat(events.get(2).job().progressMessage()).isEqualTo("half way");
    assertThat(events).extracting(e -> e.job().version()).isSorted();
    assertThat(a.get(job.id()).result()).containsEntry("done", true);
  }

  @Test
  void aCancelOnOneInstanceInterruptsTheHandlerRunningOnAnother() throws Exception {
    Job job = b.submit(JobRequest.builder("block", "blocking").build());
    started.await();
    a.cancel(job.id());
    await().until(() -> b.get(job.id()).status() == JobStatus.CANCELLED);
    assertThat(interrupted).isTrue();
    await().until(() -> statusesSeenByA(job.id()).contains(JobStatus.CANCELLED));
  }

  @Test
  void killedFeedConnectionsComeBackAndLoseNothing() throws Exception {
    Job job = b.submit(JobRequest.builder("block", "blocking").build());
    started.await();
    await().until(() -> statusesSeenByA(job.id()).contains(JobStatus.RUNNING));
    int killed = terminateFeedConnections();
    assertThat(killed).as("feed connections terminated").isEqualTo(2);

    a.cancel(job.id()); // reaches B once its feed is back
    await().until(() -> b.get(job.id()).status() == JobStatus.CANCELLED);
    assertThat(interrupted).isTrue();
    await().until(() -> statusesSeenByA(job.id()).contains(JobStatus.CANCELLED));

    terminateFeedConnections();
    Job later = b.submit(JobRequest.builder("report", "after the outage").build());
    await().until(() -> statusesSeenByA(later.id()).contains(JobStatus.COMPLETED));
    assertThat(statusesSeenByA(later.id()))
        .containsExactly(
            JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.COMPLETED);
  }

  private static int terminateFeedConnections() {
    // the feed connections are the ones whose last statement read this schema's events
    try (var c = db.pool().getConnection();
        var st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <>"
                    + " pg_backend_pid() AND query LIKE '%pg_snapshot_xmin%' AND query LIKE '%"
                    + db.schema()
                    + ".t"
                    + tables
                    + "_events%'")) {
      rs.next();
      return rs.getInt(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<JobEvent> eventsSeenByA(String id) {
    return seenByA.stream().filter(e -> e.jobId().equals(id)).toList();
  }

  private List<JobStatus> statusesSeenByA(String id) {
    return eventsSeenByA(id).stream().map(e -> e.job().status()).toList();
  }
}
