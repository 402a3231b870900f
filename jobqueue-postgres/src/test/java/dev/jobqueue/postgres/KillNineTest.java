package dev.jobqueue.postgres;

import static dev.jobqueue.Awaits.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQuery;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStatus;
import dev.jobqueue.RecoveryPolicy;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two JVMs: a victim instance runs two jobs (and holds reservations) when it is killed with {@code
 * kill -9}; the survivor, started afterwards, recovers the two running jobs once their leases lapse
 * (re-queued, attempt 2) and runs every other job: nothing is lost.
 */
class KillNineTest {
  @RegisterExtension static final PgSchema db = new PgSchema(6);

  @Test
  void theSurvivorRecoversAndRunsEverythingTheKilledInstanceHeld() throws Exception {
    List<String> runningOnVictim = killVictimWhileItRunsTwoJobs();
    assertThat(runningOnVictim).hasSize(2);

    try (PostgresJobStore store = PostgresJobStore.builder(db.pool()).schema(db.schema()).build()) {
      JobQueue survivor =
          JobQueue.builder()
              .store(store)
              .instanceId("survivor")
              .workers(2)
              .lease(Duration.ofSeconds(1))
              .pollInterval(Duration.ofMillis(50))
              .recoveryPolicy(RecoveryPolicy.REQUEUE)
              .handler("work", ctx -> Map.of("by", "survivor"))
              .build();
      try {
        await()
            .until(
                () ->
                    survivor.list(JobQuery.builder().status(JobStatus.COMPLETED).build()).size()
                        == VictimInstance.JOBS);
        List<Job> all = survivor.list(JobQuery.builder().build());
        assertThat(all).hasSize(VictimInstance.JOBS);
        for (Job j : all) {
          assertThat(j.result()).containsEntry("by", "survivor");
          assertThat(j.attempt()).isEqualTo(runningOnVictim.contains(j.id()) ? 2 : 1);
        }
      } finally {
        survivor.close();
      }
    }
  }

  private static List<String> killVictimWhileItRunsTwoJobs() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    File log = File.createTempFile("victim", ".log");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                VictimInstance.class.getName(),
                db.schema())
            .redirectError(log)
            .start();
    List<String> running = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null && !line.equals("READY"); ) {
        if (line.startsWith("RUNNING ")) {
          running.add(line.substring("RUNNING ".length()));
        }
      }
    } finally {
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no release, no close
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.exitValue()).as("killed, not exited").isNotZero();
    return running;
  }
}
