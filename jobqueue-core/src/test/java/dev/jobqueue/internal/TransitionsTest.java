package dev.jobqueue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.IllegalJobTransitionException;
import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.internal.Cause.Rollup;
import dev.jobqueue.internal.Cause.Rollup.Outcome;
import dev.jobqueue.internal.Transitions.Change;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (status, cause) pair against DESIGN's state machine, written out by hand rather than
 * derived from the code under test: legal pairs give the listed status, every other pair is refused
 * with {@link IllegalJobTransitionException}.
 */
class TransitionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NOW = T0.plusSeconds(10);
  private static final JobStatus Q = JobStatus.QUEUED;
  private static final JobStatus R = JobStatus.RUNNING;
  private static final JobStatus C = JobStatus.COMPLETED;
  private static final JobStatus F = JobStatus.FAILED;
  private static final JobStatus X = JobStatus.CANCELLED;

  /** What a job looks like for a row: a plain managed job, tracked, or a parent awaiting. */
  enum Kind {
    MANAGED,
    TRACKED,
    AWAITING_CHILDREN
  }

  /** A row: cause, kind of job, and per starting status the status reached (absent: refused). */
  record Row(String name, Cause cause, Kind kind, Map<JobStatus, JobStatus> legal) {
    @Override
    public String toString() {
      return name + " on " + kind.name().toLowerCase();
    }
  }

  private static Row row(String name, Cause cause, Kind kind, JobStatus... fromTo) {
    Map<JobStatus, JobStatus> legal = new EnumMap<>(JobStatus.class);
    for (int i = 0; i < fromTo.length; i += 2) {
      legal.put(fromTo[i], fromTo[i + 1]);
    }
    return new Row(name, cause, kind, legal);
  }

  static List<Row> table() {
    Cause claim = new Cause.Claim("me", NOW.plusSeconds(30));
    Cause start = new Cause.Start("me", NOW.plusSeconds(30));
    Cause progress = new Cause.Progress(0.5, "half", 1, 2, 3.0);
    Cause requeue = new Cause.Requeue("boom", NOW.plusSeconds(1), "retrying", null);
    List<Row> rows = new ArrayList<>();
    rows.add(row("claim", claim, Kind.MANAGED, Q, R));
    rows.add(row("claim", claim, Kind.TRACKED)); // the host starts tracked jobs
    rows.add(row("start", start, Kind.TRACKED, Q, R));
    rows.add(row("start", start, Kind.MANAGED));
    rows.add(row("progress", progress, Kind.MANAGED, R, R));
    rows.add(row("progress", progress, Kind.TRACKED, R, R));
    rows.add(row("request cancel", new Cause.RequestCancel(), Kind.MANAGED, R, R));
    rows.add(row("checkpoint", new Cause.Checkpoint(Map.of("rows", 3)), Kind.MANAGED, R, R));
    rows.add(row("cancel", new Cause.Cancel(), Kind.MANAGED, Q, X, R, X));
    // Only a running job awaits children; in other statuses the kind is a plain job.
    rows.add(row("cancel", new Cause.Cancel(), Kind.AWAITING_CHILDREN, Q, X, R, X));
    rows.add(row("complete", new Cause.Complete(Map.of("ok", true)), Kind.MANAGED, R, C));
    rows.add(row("complete", new Cause.Complete(null), Kind.AWAITING_CHILDREN));
    rows.add(row("fail", new Cause.Fail("boom"), Kind.MANAGED, Q, F, R, F));
    rows.add(row("fail", new Cause.Fail("boom"), Kind.TRACKED, Q, F, R, F));
    rows.add(row("requeue", requeue, Kind.MANAGED, R, Q));
    rows.add(row("requeue", requeue, Kind.AWAITING_CHILDREN));
    rows.add(row("retry", new Cause.Retry(null), Kind.MANAGED, F, Q, X, Q));
    Job reserved = job(Q, Kind.MANAGED).toBuilder().version(2).build(); // started into version 3
    rows.add(row("hand back", new Cause.HandBack(reserved), Kind.MANAGED, R, Q));
    Job older = reserved.toBuilder().version(1).build();
    rows.add(row("hand back after another change", new Cause.HandBack(older), Kind.MANAGED));
    rows.add(row("add child", new Cause.AddChild("kid"), Kind.MANAGED, Q, Q, R, R));
    rows.add(row("rollup progress", rollup(Outcome.PROGRESS), Kind.TRACKED, Q, Q, R, R));
    rows.add(row("rollup start", rollup(Outcome.START), Kind.TRACKED, Q, R));
    rows.add(row("rollup start", rollup(Outcome.START), Kind.MANAGED));
    rows.add(row("rollup complete", rollup(Outcome.COMPLETE), Kind.AWAITING_CHILDREN, R, C));
    rows.add(row("rollup complete", rollup(Outcome.COMPLETE), Kind.TRACKED, R, C));
    rows.add(row("rollup fail", rollup(Outcome.FAIL), Kind.TRACKED, Q, F, R, F));
    rows.add(row("orphan", new Cause.Orphan(), Kind.AWAITING_CHILDREN, R, R));
    rows.add(row("orphan", new Cause.Orphan(), Kind.MANAGED));
    return rows;
  }

  private static Rollup rollup(Outcome outcome) {
    return new Rollup(outcome, 0.5, "1/2 tasks done", null, List.of(), "task failed", null);
  }

  static Stream<Arguments> pairs() {
    return table().stream()
        .flatMap(r -> Stream.of(JobStatus.values()).map(s -> Arguments.of(r, s)));
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("pairs")
  void everyPairIsLegalOrRefusedAsTheTableSays(Row row, JobStatus from) {
    Job cur = job(from, row.kind());
    JobStatus expected = row.legal().get(from);
    if (expected == null) {
      assertThat(Transitions.allows(cur, row.cause())).isFalse();
      assertThatThrownBy(() -> Transitions.apply(cur, row.cause(), NOW))
          .isInstanceOf(IllegalJobTransitionException.class)
          .hasMessageContaining(cur.id())
          .hasMessageContaining("from " + from.wireName());
      return;
    }
    assertThat(Transitions.allows(cur, row.cause())).isTrue();
    Change c = Transitions.apply(cur, row.cause(), NOW);
    assertThat(c.prev()).isSameAs(cur);
    assertThat(c.next().status()).isEqualTo(expected);
    assertThat(c.next().version()).isEqualTo(cur.version() + 1);
    assertThat(c.next().updatedAt()).isEqualTo(NOW);
    if (expected != from) {
      assertThat(from.canMoveTo(expected)).as("DESIGN allows %s -> %s", from, expected).isTrue();
    }
    if (expected.isTerminal()) {
      assertThat(c.next().completedAt()).isEqualTo(NOW);
      assertThat(c.next().awaitingChildren()).isFalse();
      assertThat(c.next().etaSeconds()).isNull();
    }
  }

  @Test
  void theTableCoversEveryCauseType() {
    List<Class<?>> covered = new ArrayList<>();
    table().forEach(r -> covered.add(r.cause().getClass()));
    assertThat(covered).containsAll(List.of(Cause.class.getPermittedSubclasses()));
  }

  @Test
  void aJobHandedBackIsTheSnapshotItWasStartedFromWithANewVersion() {
    Job reserved =
        job(Q, Kind.MANAGED).toBuilder().version(2).progressMessage("attempt 1 failed").build();
    Job running = Transitions.apply(reserved, new Cause.Claim("me", T0.plusSeconds(30)), T0).next();
    Job back = Transitions.apply(running, new Cause.HandBack(reserved), NOW).next();
    assertThat(back).isEqualTo(reserved.toBuilder().version(4).updatedAt(NOW).build());
    Job cancelling = Transitions.apply(running, new Cause.RequestCancel(), NOW).next();
    assertThat(Transitions.allows(cancelling, new Cause.HandBack(reserved))).isFalse();
  }

  @Test
  void terminalStatusesChangeOnlyByRetry() {
    for (Row row : table()) {
      for (JobStatus s : List.of(C, F, X)) {
        JobStatus to = row.legal().get(s);
        if (to != null) {
          assertThat(row.cause()).isInstanceOf(Cause.Retry.class);
          assertThat(to).isEqualTo(Q);
        }
      }
    }
  }

  @Test
  void anAutomaticRetryStartsTheNextAttempt() {
    Job running = job(R, Kind.MANAGED);
    Job requeued =
        Transitions.apply(running, new Cause.Requeue("boom", NOW, "again", 2.0), NOW).next();
    assertThat(requeued.attempt()).isEqualTo(running.attempt() + 1);
    assertThat(requeued.error()).isEqualTo("boom");
    assertThat(requeued.runAt()).isEqualTo(NOW);
    assertThat(requeued.owner()).isNull();
    assertThat(requeued.startedAt()).isNull();
    assertThat(requeued.progress()).isZero();
  }

  @Test
  void aManualRetryStartsAfreshAndAllowsOneMoreAttempt() {
    Job failed =
        job(F, Kind.MANAGED).toBuilder()
            .error("boom")
            .result(Map.of("partial", 1))
            .warnings(List.of("w"))
            .childJobIds(List.of("kid"))
            .build();
    Job retried = Transitions.apply(failed, new Cause.Retry(null), NOW).next();
    assertThat(retried.attempt()).isEqualTo(2);
    assertThat(retried.maxAttempts()).isEqualTo(2);
    assertThat(retried.error()).isNull();
    assertThat(retried.result()).isNull();
    assertThat(retried.warnings()).isEmpty();
    assertThat(retried.childJobIds()).isEmpty();
    assertThat(retried.completedAt()).isNull();
  }

  @Test
  void completingAJobWithChildrenWaitsForThem() {
    Job parent = job(R, Kind.MANAGED).toBuilder().childJobIds(List.of("kid")).build();
    Job next = Transitions.apply(parent, new Cause.Complete(Map.of("a", 1)), NOW).next();
    assertThat(next.status()).isEqualTo(R);
    assertThat(next.awaitingChildren()).isTrue();
    assertThat(next.result()).containsEntry("a", 1);
  }

  @Test
  void repeatedCancelRequestsAndChildLinksChangeNothing() {
    Job asked = job(R, Kind.MANAGED).toBuilder().cancelRequested(true).build();
    assertThat(Transitions.apply(asked, new Cause.RequestCancel(), NOW)).isNull();
    Job parent = job(R, Kind.MANAGED).toBuilder().childJobIds(List.of("kid")).build();
    assertThat(Transitions.apply(parent, new Cause.AddChild("kid"), NOW)).isNull();
  }

  private static Job job(JobStatus status, Kind kind) {
    Job.Builder b =
        new Job.Builder()
            .id("job-1")
            .type("t")
            .title("a job")
            .status(status)
            .createdAt(T0)
            .updatedAt(T0)
            .version(3)
            .tracked(kind == Kind.TRACKED);
    if (status != Q) {
      b.startedAt(T0).owner("me").leaseExpiresAt(T0.plusSeconds(30));
    }
    if (status.isTerminal()) {
      b.completedAt(T0);
    }
    if (kind == Kind.AWAITING_CHILDREN && status == R) {
      b.awaitingChildren(true).childJobIds(List.of("kid"));
    }
    return b.build();
  }
}
