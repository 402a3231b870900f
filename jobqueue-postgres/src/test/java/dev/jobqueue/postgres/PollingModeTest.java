package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.BlockingHandler;
import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Two instances with notifications off, as behind PgBouncer in transaction pooling mode: no commit
 * sends NOTIFY, and what one instance commits reaches the other by polling. The lease is long, so
 * the heartbeat plays no part here: what arrives arrives through the polled change feed.
 */
class PollingModeTest {
  @RegisterExtension static final PgSchema db = new PgSchema(10);
  private static int tables;

  private PostgresJobStore storeA;
  private PostgresJobStore storeB;
  private JobQueue a;
  private JobQueue b;
  private final List<JobEvent> seenByB = new CopyOnWriteArrayList<>();
  private final BlockingHandler blocking = new BlockingHandler();
  private Connection listener;
  private String channel;

  @BeforeEach
  void twoInstances() throws SQLException {
    String prefix = "t" + ++tables + "_";
    channel = '"' + db.schema() + "." + prefix + "events" + '"';
    listener = DriverManager.getConnection(PgTestDb.URL);
    try (Statement st = listener.createStatement()) {
      st.execute("LISTEN " + channel);
    }
    storeA = polling(prefix);
    storeB = polling(prefix);
    a =
        JobQueue.builder()
            .store(storeA)
            .instanceId("A")
            .lease(Duration.ofMinutes(5))
            .handler(
                "report",
                ctx -> {
                  ctx.progress(0.5, "half way");
                  return Map.of("by", "A");
                })
            .build();
    b =
        JobQueue.builder()
            .store(storeB)
            .instanceId("B")
            .lease(Duration.ofMinutes(5))
            .handler("block", blocking)
            .build();
    b.subscribe(seenByB::add);
  }

  private static PostgresJobStore polling(String prefix) {
    return PostgresJobStore.builder(db.pool())
        .schema(db.schema())
        .tablePrefix(prefix)
        .notifications(false)
        .pollInterval(Duration.ofMillis(100))
        .build();
  }

  @AfterEach
  void close() throws SQLException {
    a.close();
    b.close();
    storeA.close();
    storeB.close();
    listener.close();
  }

  @Test
  void aChangeOnOneInstanceReachesTheOtherInstancesListener() throws SQLException {
    Job job = a.submit(JobRequest.builder("report", "run on A").build());
    await().until(() -> statusesSeenByB(job.id()).contains(JobStatus.COMPLETED));
    // every status change, in order (progress may be coalesced into the completion)
    assertThat(statusesSeenByB(job.id()).stream().distinct())
        .containsExactly(JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.COMPLETED);
    assertThat(b.get(job.id()).result()).containsEntry("by", "A");
    assertThat(notificationsReceived()).as("no instance sent NOTIFY").isZero();
    controlNotificationArrives();
  }

  @Test
  void aCancelOnOneInstanceInterruptsTheHandlerRunningOnAnother() throws Exception {
    Job job = b.submit(JobRequest.builder("block", "blocking on B").build());
    assertThat(blocking.awaitStarted()).isTrue();
    await().until(() -> a.get(job.id()).status() == JobStatus.RUNNING);
    a.cancel(job.id());
    await().until(() -> b.get(job.id()).status() == JobStatus.CANCELLED);
    assertThat(blocking.interrupted()).isTrue();
    assertThat(notificationsReceived()).as("no instance sent NOTIFY").isZero();
    controlNotificationArrives();
  }

  /**
   * The notifications that reached a connection listening on the store's channel since {@link
   * #listen}: a statement first, since the server hands notifications over between transactions.
   */
  private int notificationsReceived() throws SQLException {
    try (Statement st = listener.createStatement()) {
      st.execute("SELECT 1");
    }
    PGNotification[] n = listener.unwrap(PGConnection.class).getNotifications();
    return n == null ? 0 : n.length;
  }

  /** Proves {@link #notificationsReceived} can see one: a NOTIFY of our own arrives. */
  private void controlNotificationArrives() throws SQLException {
    PgTestDb.execute("NOTIFY " + channel + ", 'control'");
    assertThat(notificationsReceived()).as("the listener works").isEqualTo(1);
  }

  private List<JobStatus> statusesSeenByB(String id) {
    return seenByB.stream().filter(e -> e.jobId().equals(id)).map(e -> e.job().status()).toList();
  }
}
