package dev.jobqueue.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingEventsTest {
  private static Frame progress(long seq, String job, long version) {
    return new Frame(seq, job, version, true, ("p" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  private static Frame status(long seq, String job, long version) {
    return new Frame(seq, job, version, false, ("s" + seq).getBytes(StandardCharsets.US_ASCII));
  }

  private static List<Long> drain(PendingEvents p) {
    List<Long> seqs = new ArrayList<>();
    for (Frame f; (f = p.poll()) != null; ) {
      seqs.add(f.sequence());
    }
    return seqs;
  }

  @Test
  void newerProgressOfAJobReplacesThePendingOneAtTheTailSoIdsKeepIncreasing() {
    PendingEvents p = new PendingEvents(10);
    p.offer(progress(1, "a", 1));
    p.offer(status(2, "b", 1));
    p.offer(progress(3, "a", 2));
    assertThat(p.size()).isEqualTo(2);
    assertThat(drain(p)).containsExactly(2L, 3L);
    assertThat(p.isEmpty()).isTrue();
  }

  @Test
  void statusChangesAreNeverCoalescedButSupersedePendingProgress() {
    PendingEvents p = new PendingEvents(10);
    p.offer(status(1, "a", 1));
    p.offer(progress(2, "a", 2));
    p.offer(status(3, "a", 3));
    p.offer(status(4, "a", 4));
    assertThat(drain(p)).containsExactly(1L, 3L, 4L);
  }

  @Test
  void overflowIsReportedOnlyWhenLiveFramesExceedTheCapacity() {
    PendingEvents p = new PendingEvents(4);
    for (int i = 1; i <= 100; i++) {
      assertThat(p.offer(progress(i, "a", i))).isTrue(); // one job's progress: always one frame
    }
    assertThat(p.size()).isEqualTo(1);
    assertThat(p.offer(status(101, "b", 1))).isTrue();
    assertThat(p.offer(status(102, "c", 1))).isTrue();
    assertThat(p.offer(status(103, "d", 1))).isTrue();
    assertThat(p.offer(status(104, "e", 1))).isFalse();
    assertThat(drain(p)).containsExactly(100L, 101L, 102L, 103L, 104L);
  }

  @Test
  void manySupersededFramesAreCompactedAway() {
    PendingEvents p = new PendingEvents(1000);
    for (int i = 1; i <= 10_000; i++) {
      p.offer(progress(i, "job-" + (i % 3), i));
    }
    assertThat(p.size()).isEqualTo(3);
    assertThat(drain(p)).containsExactly(9998L, 9999L, 10000L);
  }

  @Test
  void snapshotGoesFirstAndLiveFramesItAlreadyShowsAreDropped() {
    PendingEvents p = new PendingEvents(4);
    p.offer(status(5, "a", 2)); // arrived while the snapshot was read; snapshot has a@3
    p.offer(status(6, "b", 7)); // newer than the snapshot's b@6
    Frame snapA = new Frame(-1, "a", 3, true, new byte[0]);
    Frame snapB = new Frame(-1, "b", 6, true, new byte[0]);
    p.prepend(List.of(Frame.control(new byte[0]), snapA, snapB), Map.of("a", 3L, "b", 6L), 8);
    assertThat(p.offer(status(7, "a", 3))).isTrue(); // still stale: seq <= 8, version <= 3
    List<Frame> out = new ArrayList<>();
    for (Frame f; (f = p.poll()) != null; ) {
      out.add(f);
    }
    // snapB was superseded by the newer live b@7, so it moves behind: ids keep increasing
    assertThat(out).extracting(Frame::sequence).containsExactly(-1L, -1L, 6L);
    assertThat(out.get(1)).isSameAs(snapA);
    p.offer(status(9, "a", 4));
    p.offer(status(10, "z", 1)); // past the snapshot sequence: nothing is stale any more
    p.offer(status(11, "a", 1));
    assertThat(drain(p)).containsExactly(9L, 10L, 11L);
  }

  @Test
  void snapshotLargerThanTheCapacityDoesNotOverflow() {
    PendingEvents p = new PendingEvents(4);
    List<Frame> snapshot = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      snapshot.add(new Frame(-1, "j" + i, 1, true, new byte[0]));
    }
    p.prepend(snapshot, Map.of(), -1);
    assertThat(p.offer(status(1, "x", 1))).isTrue();
    assertThat(p.size()).isEqualTo(51);
  }
}
