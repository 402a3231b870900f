package dev.jobqueue.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Next-fire times across both daylight-saving transitions of Europe/Berlin in 2026: on 29 March
 * local time jumps from 02:00 CET (UTC+1) to 03:00 CEST (UTC+2); on 25 October it falls back from
 * 03:00 CEST to 02:00 CET, so 02:00–03:00 happens twice.
 */
class CronDstTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static List<Instant> fires(String cron, String after, int n) {
    Schedule s = Schedule.cron(cron, BERLIN);
    List<Instant> out = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < n; i++) {
      t = s.next(t);
      out.add(t);
    }
    return out;
  }

  private static List<Instant> instants(String... s) {
    return java.util.Arrays.stream(s).map(Instant::parse).toList();
  }

  @Test
  void aSkippedTimeFiresOnceShiftedByTheGap() {
    // 02:30 does not exist on 29 March: it fires at 03:30 CEST, then 02:30 CEST the next days
    assertThat(fires("30 2 * * *", "2026-03-27T12:00:00Z", 3))
        .isEqualTo(
            instants("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"));
  }

  @Test
  void aTimeAfterTheGapIsUnaffected() {
    assertThat(fires("0 3 * * *", "2026-03-28T12:00:00Z", 2))
        .isEqualTo(instants("2026-03-29T01:00:00Z", "2026-03-30T01:00:00Z"));
  }

  @Test
  void aFrequentScheduleStepsOverTheGapWithoutDuplicates() {
    // 01:30 CET, then 02:00 (skipped, shifted to 03:00 CEST), 03:30 CEST: one fire per instant
    assertThat(fires("*/30 * * * *", "2026-03-29T00:15:00Z", 3))
        .isEqualTo(
            instants("2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"));
  }

  @Test
  void aRepeatedTimeFiresOnceAtItsFirstOccurrence() {
    // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET): only the first fires
    assertThat(fires("30 2 * * *", "2026-10-24T12:00:00Z", 2))
        .isEqualTo(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
    assertThat(fires("30 2 * * *", "2026-10-25T00:30:00Z", 1))
        .isEqualTo(instants("2026-10-26T01:30:00Z"));
  }

  @Test
  void aRepeatedHourWithARestrictedHourFieldFiresOnce() {
    assertThat(fires("*/20 2 * * *", "2026-10-24T23:30:00Z", 4))
        .isEqualTo(
            instants(
                "2026-10-25T00:00:00Z",
                "2026-10-25T00:20:00Z",
                "2026-10-25T00:40:00Z",
                "2026-10-26T01:00:00Z"));
  }

  @Test
  void anHourlyScheduleKeepsFiringThroughTheRepeatedHour() {
    // 02:00 CEST, 02:00 CET, 03:00 CET: one hour apart each, as real time passes
    assertThat(fires("0 * * * *", "2026-10-24T23:30:00Z", 3))
        .isEqualTo(
            instants("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
    // the same from inside the repeated hour's second pass
    assertThat(fires("30 * * * *", "2026-10-25T01:10:00Z", 2))
        .isEqualTo(instants("2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z"));
  }

  @Test
  void aMinutelyScheduleFiresEveryMinuteOfBothPasses() {
    List<Instant> f = fires("* * * * *", "2026-10-25T00:58:30Z", 4);
    assertThat(f)
        .isEqualTo(
            instants(
                "2026-10-25T00:59:00Z",
                "2026-10-25T01:00:00Z",
                "2026-10-25T01:01:00Z",
                "2026-10-25T01:02:00Z"));
  }
}
