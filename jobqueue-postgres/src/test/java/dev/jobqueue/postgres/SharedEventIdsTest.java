package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import dev.jobqueue.servlet.JobQueueFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Event ids global to the database: two instances (A, B) on one schema publish the identical
 * sequence of events with identical ids, so an SSE client may resume on the other instance with its
 * {@code Last-Event-ID} and get exactly what it missed; an id the server does not hold gets a reset
 * and the full state.
 */
class SharedEventIdsTest {
  private static final int REPLAY_BUFFER_OF_B = 16;
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final PgSchema db = new PgSchema(10);
  private static int tables;

  private PostgresJobStore storeA;
  private PostgresJobStore storeB;
  private JobQueue a;
  private JobQueue b;
  private final List<JobEvent> seenByA = new CopyOnWriteArrayList<>();
  private final List<JobEvent> seenByB = new CopyOnWriteArrayList<>();
  private final CountDownLatch progressSeenByA = new CountDownLatch(1);
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private int portA;
  private int portB;

  @BeforeEach
  void twoInstances() throws Exception {
    String prefix = "t" + ++tables + "_";
    storeA = PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build();
    storeB = PostgresJobStore.builder(db.pool()).schema(db.schema()).tablePrefix(prefix).build();
    a = JobQueue.builder().store(storeA).instanceId("A").lease(Duration.ofMinutes(5)).build();
    b =
        JobQueue.builder()
            .store(storeB)
            .instanceId("B")
            .lease(Duration.ofMinutes(5))
            .handler(
                "report",
                ctx -> {
                  ctx.progress(0.5, "half way");
                  progressSeenByA.await(); // the progress is written before the end overwrites it
                  return Map.of("done", true);
                })
            .build();
    a.subscribe(
        e -> {
          seenByA.add(e);
          if (e.job().progress() == 0.5) {
            progressSeenByA.countDown();
          }
        });
    b.subscribe(seenByB::add);
    portA = serve(JobQueueFilter.builder(a).sharedViewForAllCallers().build());
    portB =
        serve(
            JobQueueFilter.builder(b)
                .sharedViewForAllCallers()
                .replayBuffer(REPLAY_BUFFER_OF_B)
                .build());
  }

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    a.close();
    b.close();
    storeA.close();
    storeB.close();
  }

  @Test
  void aListenerOnASeesEveryStatusOfAJobRunByBWithTheIdsBGaveThem() {
    Job job = b.submit(JobRequest.builder("report", "reported").build());
    await().until(() -> statuses(seenByA, job.id()).contains(JobStatus.COMPLETED));
    await().until(() -> statuses(seenByB, job.id()).contains(JobStatus.COMPLETED));

    assertThat(statuses(seenByA, job.id()))
        .containsExactly(
            JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.COMPLETED);
    assertThat(eventsOf(seenByA, job.id()).get(2).job().progressMessage()).isEqualTo("half way");
    // the same events, in the same order, with the same ids, on both instances
    assertThat(seenByA)
        .extracting(SharedEventIdsTest::describe)
        .containsExactlyElementsOf(seenByB.stream().map(SharedEventIdsTest::describe).toList());
    assertThat(seenByA).extracting(JobEvent::sequence).doesNotHaveDuplicates();
  }

  @Test
  void anSseClientResumingOnBWithAsLastIdGetsEveryMissedStatusChangeOnce() throws Exception {
    Job ofA = a.tracker().create(JobRequest.builder("upload", "made by A").build());
    a.tracker().start(ofA.id());
    Job ofB = b.tracker().create(JobRequest.builder("upload", "made by B").build());
    Sse observerOnB = stream(portB, null); // sees everything B's hub holds, in B's order

    Sse onA = stream(portA, null);
    await().until(() -> onA.statuses().contains(ofB.id() + ":queued"));
    b.tracker().start(ofB.id()); // a live event on A
    await().until(() -> onA.statuses().contains(ofB.id() + ":running"));
    String lastId = onA.lastId();
    List<String> idsSeen = onA.ids();
    onA.close();

    // missed: status changes by both instances, and a job made meanwhile
    a.tracker().complete(ofA.id(), Map.of());
    b.tracker().fail(ofB.id(), "broken");
    Job later = a.tracker().create(JobRequest.builder("upload", "made later").build());
    a.tracker().start(later.id());
    Job marker = b.tracker().create(JobRequest.builder("upload", "marker").build());
    await().until(() -> observerOnB.statuses().contains(marker.id() + ":queued"));
    assertThat(observerOnB.ids()).as("B's hub holds A's last id").contains(lastId);

    Sse onB = stream(portB, lastId);
    await().until(() -> onB.statuses().contains(marker.id() + ":queued"));
    assertThat(onB.events()).noneMatch(e -> "reset".equals(e.event()));
    assertThat(onB.statuses())
        .containsExactly(
            ofA.id() + ":completed",
            ofB.id() + ":failed",
            later.id() + ":queued",
            later.id() + ":running",
            marker.id() + ":queued");
    assertThat(onB.ids()).doesNotContainAnyElementsOf(idsSeen);
    // the ids are the ones every instance gives these changes
    List<String> observed = observerOnB.ids();
    assertThat(onB.ids())
        .containsExactlyElementsOf(observed.subList(observed.indexOf(lastId) + 1, observed.size()));
    assertThat(onB.ids())
        .containsExactlyElementsOf(
            seenByA.stream()
                .filter(e -> statuses(onB).contains(e.jobId() + ":" + e.job().status().wireName()))
                .map(e -> Long.toString(e.sequence()))
                .toList());
  }

  @Test
  void anIdBDoesNotHoldGetsAResetAndTheFullState() throws Exception {
    Job early = a.tracker().create(JobRequest.builder("upload", "early").build());
    Sse onA = stream(portA, null);
    await().until(() -> onA.statuses().contains(early.id() + ":queued"));
    a.tracker().start(early.id());
    await().until(() -> onA.statuses().contains(early.id() + ":running"));
    String oldId = onA.lastId();
    onA.close();

    Sse unknown = stream(portB, "999999999999");
    await().until(() -> unknown.statuses().contains(early.id() + ":running"));
    assertThat(unknown.events().get(0).event()).isEqualTo("reset");
    assertThat(unknown.events().get(0).data()).contains("999999999999");

    // push A's id out of B's ring: more status changes than it keeps
    Job last = null;
    for (int i = 0; i <= REPLAY_BUFFER_OF_B; i++) {
      last = a.tracker().create(JobRequest.builder("upload", "filler " + i).build());
    }
    String lastFiller = last.id();
    await().until(() -> seenByB.stream().anyMatch(e -> e.jobId().equals(lastFiller)));
    Sse tooOld = stream(portB, oldId);
    await().until(() -> tooOld.statuses().contains(lastFiller + ":queued"));
    assertThat(tooOld.events().get(0).event()).isEqualTo("reset");
    assertThat(tooOld.statuses()).contains(early.id() + ":running");
  }

  private static String describe(JobEvent e) {
    return e.sequence() + " " + e.kind() + " " + e.jobId() + " v" + e.job().version();
  }

  private static List<JobEvent> eventsOf(List<JobEvent> events, String id) {
    return events.stream().filter(e -> e.jobId().equals(id)).toList();
  }

  private static List<JobStatus> statuses(List<JobEvent> events, String id) {
    return eventsOf(events, id).stream().map(e -> e.job().status()).toList();
  }

  private static List<String> statuses(Sse s) {
    return s.statuses();
  }

  private int serve(JobQueueFilter filter) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder holder = new FilterHolder(filter);
    holder.setAsyncSupported(true);
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(context);
    server.start();
    toClose.add(server::stop);
    return connector.getLocalPort();
  }

  private Sse stream(int port, String lastEventId) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs/stream"));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    Sse s = new Sse(http.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    toClose.add(s);
    return s;
  }

  /** A test SSE client: records every line as it arrives. */
  private static final class Sse implements AutoCloseable {
    record Event(String id, String event, String data) {}

    private final HttpResponse<Stream<String>> response;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    Sse(HttpResponse<Stream<String>> response) {
      this.response = response;
      Thread reader =
          new Thread(
              () -> {
                try {
                  response.body().forEach(lines::add);
                } catch (RuntimeException closed) {
                  // closed by the test or the server
                }
              },
              "test-sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** The dispatched messages with data, in order. */
    List<Event> events() {
      List<Event> out = new ArrayList<>();
      String id = null;
      String event = null;
      String data = null;
      for (String l : lines) {
        if (l.isEmpty()) {
          if (data != null) {
            out.add(new Event(id, event, data));
          }
          id = event = data = null;
        } else if (l.startsWith("id: ")) {
          id = l.substring(4);
        } else if (l.startsWith("event: ")) {
          event = l.substring(7);
        } else if (l.startsWith("data: ")) {
          data = l.substring(6);
        }
      }
      return out;
    }

    /** "job_id:status" of every job message (snapshot and live), in order. */
    List<String> statuses() {
      return jobMessages().stream().map(e -> jobStatus(e.data())).toList();
    }

    /** The ids of the live job messages, in order. */
    List<String> ids() {
      return jobMessages().stream().map(Event::id).filter(id -> id != null).toList();
    }

    /** The client's Last-Event-ID: the last id field received. */
    String lastId() {
      String last = null;
      for (String l : lines) {
        if (l.startsWith("id: ")) {
          last = l.substring(4);
        }
      }
      return last;
    }

    private List<Event> jobMessages() {
      return events().stream().filter(e -> e.event() == null).toList();
    }

    private static String jobStatus(String data) {
      try {
        JsonNode job = JSON.readTree(data);
        return job.get("job_id").asText() + ":" + job.get("status").asText();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(data, e);
      }
    }

    @Override
    public void close() {
      response.body().close();
    }
  }
}
