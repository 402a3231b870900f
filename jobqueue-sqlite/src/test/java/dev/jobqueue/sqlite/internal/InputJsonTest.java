package dev.jobqueue.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.sqlite.TestJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputJsonTest {
  private static Job withInput(Map<String, Object> input) {
    return TestJobs.job("t").input(input).build();
  }

  @Test
  void laterSnapshotsOfAJobShareItsInputAndItsJson() {
    Job queued = withInput(Map.of("file", "a.csv", "rows", 12));
    Job running = TestJobs.next(queued, JobStatus.RUNNING);

    // the premise of the cache: a job's input is one immutable map from version to version
    assertThat(running.input()).isSameAs(queued.input());
    assertThat(InputJson.of(queued.input())).isEqualTo(JobCodec.json(queued.input()));
    assertThat(InputJson.of(running.input())).isSameAs(InputJson.of(queued.input()));
  }

  @Test
  void everyInputGetsItsOwnJsonWhenManyShareTheSlots() {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) { // far more inputs than slots
      jobs.add(withInput(Map.of("n", i)));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < jobs.size(); i++) {
        assertThat(InputJson.of(jobs.get(i).input())).isEqualTo("{\"n\":" + i + "}");
      }
    }
  }

  @Test
  void largeAndEmptyInputsAreEncodedCorrectly() {
    Job large = withInput(Map.of("text", "x".repeat(10_000)));
    assertThat(InputJson.of(large.input())).isEqualTo(JobCodec.json(large.input()));
    assertThat(InputJson.of(large.input())).isEqualTo(JobCodec.json(large.input()));
    assertThat(InputJson.of(withInput(Map.of()).input())).isEqualTo("{}");
  }
}
