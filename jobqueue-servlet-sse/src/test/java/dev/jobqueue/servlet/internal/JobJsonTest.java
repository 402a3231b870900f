package dev.jobqueue.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobqueue.Job;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobJsonTest {
  static final List<String> CONTRACT =
      List.of(
          "job_id",
          "type",
          "status",
          "created_at",
          "started_at",
          "completed_at",
          "updated_at",
          "progress",
          "progress_message",
          "current_step",
          "total_steps",
          "title",
          "description",
          "parent_job_id",
          "child_job_ids",
          "result",
          "error",
          "user_id",
          "cancelable",
          "priority",
          "attempt",
          "max_attempts",
          "depends_on",
          "optional",
          "eta_seconds",
          "warnings",
          "cancel_requested",
          "run_at");

  private static Job job() {
    return new Job.Builder()
        .id("j1")
        .type("analyze")
        .status(JobStatus.RUNNING)
        .createdAt(Instant.parse("2024-05-01T10:00:00.123456789Z"))
        .startedAt(Instant.parse("2024-05-01T10:00:02Z"))
        .updatedAt(Instant.parse("2024-05-01T10:00:03.5Z"))
        .progress(0.25)
        .progressMessage("1/4 \"done\"\nnext")
        .title("Analyzing <b>x</b>")
        .input(Map.of("secret", "s3cr3t"))
        .etaSeconds(12.5)
        .owner("instance-1")
        .leaseExpiresAt(Instant.now())
        .version(7)
        .cancelRequested(true)
        .build();
  }

  @Test
  void writesEveryContractFieldInOrderWithNullsAndUtcTimestamps() throws Exception {
    JsonNode n = JobJson.MAPPER.readTree(new JobJson(false).toBytes(job()));
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyElementsOf(CONTRACT);
    assertThat(n.get("created_at").asText()).isEqualTo("2024-05-01T10:00:00.123Z");
    assertThat(n.get("updated_at").asText()).isEqualTo("2024-05-01T10:00:03.500Z");
    assertThat(n.get("completed_at").isNull()).isTrue();
    assertThat(n.get("result").isNull()).isTrue();
    assertThat(n.get("current_step").isNull()).isTrue();
    assertThat(n.get("status").asText()).isEqualTo("running");
    assertThat(n.get("progress").asDouble()).isEqualTo(0.25);
    assertThat(n.get("eta_seconds").asDouble()).isEqualTo(12.5);
    assertThat(n.get("child_job_ids").isArray()).isTrue();
    assertThat(n.get("cancelable").asBoolean()).isTrue();
    assertThat(n.get("cancel_requested").isBoolean()).isTrue();
    assertThat(n.get("cancel_requested").asBoolean()).isTrue();
    assertThat(n.get("progress_message").asText()).isEqualTo("1/4 \"done\"\nnext");
  }

  @Test
  void neverWritesBookkeepingAndInputOnlyWhenExposed() {
    String hidden = new String(new JobJson(false).toBytes(job()));
    assertThat(hidden).doesNotContain("s3cr3t", "instance-1", "version", "lease", "input");
    assertThat(hidden).doesNotContain("\n"); // one SSE data line
    String exposed = new String(new JobJson(true).toBytes(job()));
    assertThat(exposed).contains("\"input\":{\"secret\":\"s3cr3t\"}").doesNotContain("instance-1");
  }

  @Test
  void statsHaveCountsPerStatusAndTypeDurationsAndThroughput() throws Exception {
    JobStats s =
        new JobStats(
            Map.of(JobStatus.COMPLETED, 3L, JobStatus.RUNNING, 1L),
            Map.of("analyze", Map.of(JobStatus.COMPLETED, 3L)),
            new JobStats.Durations(2, 1.5, 4),
            new JobStats.Durations(0.1, 0.1, 0.2),
            3,
            1.5,
            3);
    JsonNode n = JobJson.MAPPER.readTree(new JobJson(false).statsBytes(s));
    assertThat(n.at("/by_status/completed").asLong()).isEqualTo(3);
    assertThat(n.at("/by_status/failed").asLong()).isZero();
    assertThat(n.at("/total").asLong()).isEqualTo(4);
    assertThat(n.at("/by_type/analyze/completed").asLong()).isEqualTo(3);
    assertThat(n.at("/durations/run_seconds/p95").asDouble()).isEqualTo(4);
    assertThat(n.at("/throughput/completed_last_minute").asLong()).isEqualTo(3);
  }

  @Test
  void errorBodyHasErrorAndStatus() throws Exception {
    JsonNode n = JobJson.MAPPER.readTree(JobJson.errorBytes(404, "job x does not exist"));
    assertThat(n.get("error").asText()).isEqualTo("job x does not exist");
    assertThat(n.get("status").asInt()).isEqualTo(404);
  }
}
