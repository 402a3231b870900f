package dev.jobqueue.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.Schedule;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

/**
 * {@link Schedule#cron} against an independent implementation, Spring's {@link CronExpression},
 * over random expressions and start times in zones with and without daylight saving.
 *
 * <p>Two known differences are mapped, not skipped: Spring ANDs two restricted day fields where
 * POSIX cron (and we) OR them, so such an expression is compared with the earlier of its day-of-
 * month half and its day-of-week half; and Spring needs the seconds field, so a 5-field expression
 * is compared with "0 " + it. Day-of-week avoids what Spring reads differently: {@code *}{@code /n}
 * (Spring counts from Monday, POSIX from Sunday) and 7 or SUN in ranges (Spring's Sunday is 7, so
 * 0-7 or SUN-3 mean other days there); {@link CronScheduleTest} covers ours.
 *
 * <p>Start times within a day of a daylight-saving transition are compared too; the dedicated cases
 * live in {@link CronDstTest}.
 */
class CronOracleTest {
  private static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("UTC"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("America/New_York"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("Australia/Sydney"));
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  @Test
  void agreesWithSpringOnRandomExpressionsAndStartTimes() {
    Random rnd = new Random(20260102L);
    int compared = 0;
    List<String> disagreements = new ArrayList<>();
    for (int i = 0; i < 4_000; i++) {
      boolean seconds = rnd.nextBoolean();
      String sec = seconds ? field(rnd, 0, 59, null, true) : null;
      String min = field(rnd, 0, 59, null, true);
      String hour = field(rnd, 0, 23, null, true);
      String dom = field(rnd, 1, 31, null, true);
      String month = field(rnd, 1, 12, MONTHS, true);
      String dow = field(rnd, 0, 6, DAYS, false);
      String ours = (seconds ? sec + " " : "") + String.join(" ", min, hour, dom, month, dow);
      String springSec = seconds ? sec : "0";
      ZoneId zone = ZONES.get(rnd.nextInt(ZONES.size()));
      Schedule schedule;
      try {
        schedule = Schedule.cron(ours, zone);
      } catch (IllegalArgumentException e) {
        // we refuse expressions that never fire (such as 30 FEB); Spring must never fire them too
        assertThat(e).hasMessageContaining("never fires");
        assertThat(spring(springSec, min, hour, dom, month, "*", zone, Instant.EPOCH))
            .as(ours)
            .isNull();
        continue;
      }
      for (int k = 0; k < 3; k++) {
        Instant start =
            Instant.ofEpochSecond(946_684_800L + (long) (rnd.nextDouble() * 1_262_304_000L))
                .plusNanos(rnd.nextBoolean() ? 0 : rnd.nextInt(1_000_000_000));
        Instant expected;
        if (!isStar(dom) && !isStar(dow)) {
          expected =
              earlier(
                  spring(springSec, min, hour, dom, month, "*", zone, start),
                  spring(springSec, min, hour, "*", month, dow, zone, start));
        } else {
          expected = spring(springSec, min, hour, dom, month, dow, zone, start);
        }
        Instant actual = schedule.next(start);
        compared++;
        if (!java.util.Objects.equals(expected, actual)) {
          disagreements.add(
              ours
                  + " in "
                  + zone
                  + " after "
                  + start
                  + ": spring "
                  + expected
                  + ", ours "
                  + actual);
        }
      }
    }
    assertThat(compared).isGreaterThanOrEqualTo(10_000);
    assertThat(disagreements).isEmpty();
  }

  private static Instant spring(
      String sec,
      String min,
      String hour,
      String dom,
      String month,
      String dow,
      ZoneId zone,
      Instant start) {
    CronExpression e = CronExpression.parse(String.join(" ", sec, min, hour, dom, month, dow));
    ZonedDateTime next = e.next(ZonedDateTime.ofInstant(start, zone));
    return next == null ? null : next.toInstant();
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  private static boolean isStar(String f) {
    return f.equals("*") || f.equals("?");
  }

  /** A random field: *, a value, a range, a step or a list of those; names now and then. */
  private static String field(Random rnd, int min, int max, String[] names, boolean starStep) {
    int kind = rnd.nextInt(10);
    if (kind < 3) {
      return "*";
    }
    if (kind == 3 && starStep) {
      return "*/" + (1 + rnd.nextInt(Math.max(1, (max - min) / 2)));
    }
    int items = kind >= 8 ? 2 + rnd.nextInt(2) : 1;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      int a = min + rnd.nextInt(max - min + 1);
      int b = min + rnd.nextInt(max - min + 1);
      int lo = Math.min(a, b);
      int hi = Math.max(a, b);
      switch (rnd.nextInt(4)) {
        case 0 -> parts.add(name(lo, min, names, rnd));
        case 1 -> parts.add(name(lo, min, names, rnd) + "-" + name(hi, min, names, rnd));
        case 2 ->
            parts.add(
                name(lo, min, names, rnd)
                    + "-"
                    + name(hi, min, names, rnd)
                    + "/"
                    + (1 + rnd.nextInt(5)));
        default -> parts.add(lo + "/" + (1 + rnd.nextInt(Math.max(1, (max - min) / 3))));
      }
    }
    return String.join(",", parts);
  }

  private static String name(int v, int min, String[] names, Random rnd) {
    // Spring reads SUN as 7, so a range from SUN means something else there: names MON-SAT only
    if (names != null
        && rnd.nextInt(3) == 0
        && v - min < names.length
        && !"SUN".equals(names[v - min])) {
      return names[v - min];
    }
    return Integer.toString(v);
  }
}
