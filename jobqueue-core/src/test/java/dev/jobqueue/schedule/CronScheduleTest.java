package dev.jobqueue.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobqueue.Schedule;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static final ZoneId UTC = ZoneOffset.UTC;

  /** 2026-01-05 is a Monday. */
  private static final Instant MONDAY = Instant.parse("2026-01-05T00:00:00Z");

  private static List<DayOfWeek> days(String cron, int n) {
    Schedule s = Schedule.cron(cron, UTC);
    List<DayOfWeek> out = new ArrayList<>();
    Instant t = MONDAY;
    for (int i = 0; i < n; i++) {
      t = s.next(t);
      out.add(ZonedDateTime.ofInstant(t, UTC).getDayOfWeek());
    }
    return out;
  }

  @Test
  void fiveFieldsFireOnTheMinuteAndSixOnTheSecond() {
    assertThat(Schedule.cron("15 3 * * *", UTC).next(MONDAY))
        .isEqualTo(Instant.parse("2026-01-05T03:15:00Z"));
    assertThat(Schedule.cron("*/20 15 3 * * *", UTC).next(Instant.parse("2026-01-05T03:15:00Z")))
        .isEqualTo(Instant.parse("2026-01-05T03:15:20Z"));
  }

  @Test
  void namesAndSundayAsZeroOrSeven() {
    assertThat(days("0 9 * * MON-FRI", 6))
        .containsExactly(
            DayOfWeek.MONDAY,
            DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY,
            DayOfWeek.MONDAY);
    assertThat(days("0 9 * * 7", 1)).containsExactly(DayOfWeek.SUNDAY);
    assertThat(days("0 9 * * 0", 1)).containsExactly(DayOfWeek.SUNDAY);
    assertThat(days("0 9 * * sun", 1)).containsExactly(DayOfWeek.SUNDAY);
    assertThat(days("0 9 * * 5-7", 3))
        .containsExactly(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    // POSIX: a step over * in day-of-week counts from Sunday (0)
    assertThat(days("0 9 * * */2", 4))
        .containsExactly(
            DayOfWeek.TUESDAY, DayOfWeek.THURSDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
    assertThat(Schedule.cron("0 0 1 feb,Jun *", UTC).next(MONDAY))
        .isEqualTo(Instant.parse("2026-02-01T00:00:00Z"));
  }

  @Test
  void twoRestrictedDayFieldsMatchEitherDay() {
    // the 13th (a Tuesday in January 2026) or any Friday
    Schedule s = Schedule.cron("0 0 13 * FRI", UTC);
    assertThat(s.next(MONDAY)).isEqualTo(Instant.parse("2026-01-09T00:00:00Z"));
    assertThat(s.next(Instant.parse("2026-01-09T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-01-13T00:00:00Z"));
    // one restricted field decides alone
    assertThat(Schedule.cron("0 0 13 * *", UTC).next(MONDAY))
        .isEqualTo(Instant.parse("2026-01-13T00:00:00Z"));
  }

  @Test
  void rangesStepsAndLists() {
    Schedule s = Schedule.cron("5/20,59 8-10/2 * * *", UTC);
    List<Instant> fires = new ArrayList<>();
    Instant t = MONDAY;
    for (int i = 0; i < 5; i++) {
      fires.add(t = s.next(t));
    }
    assertThat(fires)
        .extracting(i -> ZonedDateTime.ofInstant(i, UTC).toLocalTime().toString())
        .containsExactly("08:05", "08:25", "08:45", "08:59", "10:05");
  }

  @Test
  void leapDayFiresInLeapYearsOnly() {
    assertThat(Schedule.cron("0 0 29 2 *", UTC).next(MONDAY))
        .isEqualTo(Instant.parse("2028-02-29T00:00:00Z"));
  }

  @Test
  void badExpressionsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Schedule.cron("* * * *", UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must have 5 fields");
    assertThatThrownBy(() -> Schedule.cron("60 * * * *", UTC))
        .hasMessageContaining("minute field '60'")
        .hasMessageContaining("outside 0-59");
    assertThatThrownBy(() -> Schedule.cron("* 5-2 * * *", UTC))
        .hasMessageContaining("hour field '5-2'")
        .hasMessageContaining("runs backwards");
    assertThatThrownBy(() -> Schedule.cron("*/0 * * * *", UTC)).hasMessageContaining("step 0");
    assertThatThrownBy(() -> Schedule.cron("* * * FOO *", UTC))
        .hasMessageContaining("month field 'FOO'")
        .hasMessageContaining("not a number or name");
    assertThatThrownBy(() -> Schedule.cron("* * 1,,2 * *", UTC))
        .hasMessageContaining("empty list item");
    assertThatThrownBy(() -> Schedule.cron("0 0 30 2 *", UTC)).hasMessageContaining("never fires");
    assertThatThrownBy(() -> Schedule.cron("? * * * *", UTC)).hasMessageContaining("minute");
    assertThatThrownBy(() -> Schedule.cron(" ", UTC)).hasMessageContaining("blank");
  }

  @Test
  void everyFiresAtMultiplesOfItsIntervalSinceTheEpoch() {
    Schedule s = Schedule.every(Duration.ofMinutes(5));
    assertThat(s.next(Instant.parse("2026-01-05T10:02:59.9Z")))
        .isEqualTo(Instant.parse("2026-01-05T10:05:00Z"));
    assertThat(s.next(Instant.parse("2026-01-05T10:05:00Z")))
        .isEqualTo(Instant.parse("2026-01-05T10:10:00Z"));
    assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(1500)))
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> Schedule.every(Duration.ZERO)).hasMessageContaining("at least 1");
  }

  @Test
  void specRoundTrips() {
    Schedule cron = Schedule.cron(" 0  3 * *   MON ", ZoneId.of("Europe/Berlin"));
    assertThat(cron.spec()).isEqualTo("cron Europe/Berlin 0 3 * * MON");
    assertThat(Schedule.parse(cron.spec())).isEqualTo(cron);
    Schedule every = Schedule.every(Duration.ofMinutes(90));
    assertThat(Schedule.parse(every.spec())).isEqualTo(every);
    assertThatThrownBy(() -> Schedule.parse("cron Nowhere/City * * * * *"))
        .hasMessageContaining("bad schedule");
    assertThatThrownBy(() -> Schedule.parse("hourly")).hasMessageContaining("expected");
  }
}
