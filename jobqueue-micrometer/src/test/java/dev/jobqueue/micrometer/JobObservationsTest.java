package dev.jobqueue.micrometer;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.JobStatus;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobObservationsTest {
  @Test
  void eachRunIsOneObservationWithTheJobAndItsError() throws Exception {
    TestObservationRegistry observations = TestObservationRegistry.create();
    try (JobQueue queue =
        JobQueue.builder()
            .workers(1)
            .handler("ok", JobObservations.observe(observations, "ok", ctx -> Map.of()))
            .handler(
                "boom",
                JobObservations.observe(
                    observations,
                    "boom",
                    ctx -> {
                      throw new IllegalStateException("no pixels");
                    }))
            .build()) {
      Job ok = queue.submit(JobRequest.builder("ok", "ok").build());
      assertThat(queue.await(ok.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.COMPLETED);
      Job boom = queue.submit(JobRequest.builder("boom", "boom").build());
      assertThat(queue.await(boom.id(), Duration.ofSeconds(30)).status())
          .isEqualTo(JobStatus.FAILED);

      assertThat(observations)
          .hasNumberOfObservationsWithNameEqualTo(JobObservations.NAME, 2)
          .hasAnObservation(
              o ->
                  o.hasLowCardinalityKeyValue("type", "ok")
                      .hasHighCardinalityKeyValue("job.id", ok.id())
                      .hasHighCardinalityKeyValue("attempt", "1")
                      .doesNotHaveError())
          .hasAnObservation(
              o ->
                  o.hasLowCardinalityKeyValue("type", "boom")
                      .hasHighCardinalityKeyValue("job.id", boom.id())
                      .assertThatError()
                      .hasMessage("no pixels"));
    }
  }
}
