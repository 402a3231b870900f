package dev.jobqueue.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parameter parsing, path segments, origins and SSE framing. */
class SmallPartsTest {
  @Test
  void statusesAcceptCommaListsAndRepeatsAndRejectUnknownOnes() {
    assertThat(QueryParams.parseStatuses(new String[] {"running,queued", "failed"}))
        .containsExactlyInAnyOrder(JobStatus.RUNNING, JobStatus.QUEUED, JobStatus.FAILED);
    assertThat(QueryParams.parseStatuses(null)).isEmpty();
    assertThatThrownBy(() -> QueryParams.parseStatuses(new String[] {"running,done"}))
        .isInstanceOfSatisfying(
            HttpError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("'done'", "queued");
            });
  }

  @Test
  void limitsAreCheckedNotClamped() {
    assertThat(QueryParams.parseInt(null, "limit", 50, 1, 1000)).isEqualTo(50);
    assertThat(QueryParams.parseInt("1000", "limit", 50, 1, 1000)).isEqualTo(1000);
    assertThatThrownBy(() -> QueryParams.parseInt("0", "limit", 50, 1, 1000))
        .hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(() -> QueryParams.parseInt("1001", "limit", 50, 1, 1000))
        .isInstanceOf(HttpError.class);
    assertThatThrownBy(() -> QueryParams.parseInt("ten", "limit", 50, 1, 1000))
        .hasMessageContaining("'ten'");
  }

  @Test
  void queryStringsAreDecodedStrictlyAsUtf8() {
    assertThat(QueryParams.parse("q=caf%C3%A9+au+lait&status=a&status=b&flag"))
        .containsEntry("q", java.util.List.of("café au lait"))
        .containsEntry("status", java.util.List.of("a", "b"))
        .containsEntry("flag", java.util.List.of(""));
    assertThat(QueryParams.parse(null)).isEmpty();
    assertThat(QueryParams.decode("%F0%9F%98%80")).isEqualTo("\uD83D\uDE00");
    for (String bad : new String[] {"q=%FF", "q=%G1", "q=%", "q=a%2", "%E2%82=x", "q=%C0%AF"}) {
      assertThatThrownBy(() -> QueryParams.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(400));
    }
    assertThatThrownBy(() -> QueryParams.parse("a=1&".repeat(QueryParams.MAX_PARAMETERS + 1)))
        .hasMessageContaining("too many");
  }

  @Test
  void pathSegmentsAreDecodedAndEmptyOnesRejected() {
    assertThat(ApiHandler.segments("")).isEmpty();
    assertThat(ApiHandler.segments("/")).isEmpty();
    assertThat(ApiHandler.segments("/abc/cancel/")).containsExactly("abc", "cancel");
    assertThat(ApiHandler.segments("/a%20b+c")).containsExactly("a b+c");
    assertThatThrownBy(() -> ApiHandler.segments("/a//b")).isInstanceOf(HttpError.class);
    assertThatThrownBy(() -> ApiHandler.segments("/%zz")).isInstanceOf(HttpError.class);
  }

  @Test
  void originsAreNormalisedWithDefaultPorts() {
    assertThat(OriginPolicy.normalise("https://App.Example.com"))
        .isEqualTo("https://app.example.com:443");
    assertThat(OriginPolicy.normalise("http://localhost:8080")).isEqualTo("http://localhost:8080");
    assertThat(OriginPolicy.normalise("null")).isNull();
    assertThat(OriginPolicy.normalise("file:///x")).isNull();
    OriginPolicy p = new OriginPolicy(Set.of("https://app.example.com:443"));
    assertThat(p.isAllowListed("https://app.example.com")).isTrue();
    assertThat(p.isAllowListed("https://evil.example.com")).isFalse();
  }

  @Test
  void uiNamesAreSingleSafeSegments() {
    UiResources ui = new UiResources(getClass().getClassLoader());
    assertThat(ui.find("test-fixture.css")).isPresent();
    assertThat(ui.find("../ui/test-fixture.css")).isEmpty();
    assertThat(ui.find("..")).isEmpty();
    assertThat(ui.find(".hidden")).isEmpty();
    assertThat(ui.find("missing.js")).isEmpty();
    assertThat(UiResources.contentType("task-manager.js")).startsWith("text/javascript");
  }

  @Test
  void framesFollowTheSseWireFormat() {
    Job job =
        new Job.Builder()
            .id("j1")
            .type("t")
            .status(JobStatus.RUNNING)
            .createdAt(Instant.EPOCH)
            .updatedAt(Instant.EPOCH)
            .title("line1\nline2")
            .build();
    SseFrames frames = new SseFrames(new JobJson(false));
    String update = text(frames.forEvent(new JobEvent(JobEvent.Kind.UPDATED, job, 42, true)));
    assertThat(update).startsWith("id: 42\ndata: {\"job_id\":\"j1\",").endsWith("}\n\n");
    assertThat(update.split("\n")).hasSize(2); // the title's line break is escaped in JSON
    Frame progress = frames.forEvent(new JobEvent(JobEvent.Kind.UPDATED, job, 43, false));
    assertThat(progress.coalescible()).isTrue();
    assertThat(text(frames.forEvent(new JobEvent(JobEvent.Kind.DELETED, job, 44, true))))
        .isEqualTo("id: 44\nevent: deleted\ndata: {\"job_id\":\"j1\"}\n\n");
    assertThat(text(SseFrames.retry(Duration.ofSeconds(3)))).isEqualTo("retry: 3000\n\n");
    assertThat(text(SseFrames.heartbeat())).startsWith(":").endsWith("\n\n");
    assertThat(text(frames.forSnapshot(job, -1))).startsWith("data: {");
    assertThat(text(SseFrames.idOnly(7))).isEqualTo("id: 7\n\n");
  }

  private static String text(Frame f) {
    return new String(f.bytes(), StandardCharsets.UTF_8);
  }
}
