package dev.jobqueue.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed cron expression and its next-fire computation, in local time of a zone.
 *
 * <p>Fields: {@code [second] minute hour day-of-month month day-of-week}. Each is {@code *}, a
 * value, a range {@code a-b}, a step {@code * /n}, {@code a-b/n} or {@code a/n} (a to the field's
 * maximum), or a comma-separated list of those. Months and days of week also take three-letter
 * English names; day-of-week 0 and 7 are Sunday. {@code ?} is {@code *} in the two day fields.
 *
 * <p>Day matching follows POSIX cron: when both day fields are restricted (neither is {@code *} or
 * {@code ?}) a day matches if either matches; otherwise the restricted one decides.
 *
 * <p>Daylight saving: a local time that a spring-forward gap skips fires once, shifted by the gap's
 * length (02:30 becomes 03:30 when 02:00–03:00 is skipped), as {@link
 * java.time.ZonedDateTime#ofLocal} resolves it. A local time that a fall-back overlap repeats fires
 * once, at its first occurrence, unless the hour field is {@code *}: an hourly or more frequent
 * schedule keeps firing through the repeated hour, as real time passes.
 */
public final class CronFields {
  private static final Map<String, Integer> MONTHS = names(Month.values(), 1);
  private static final Map<String, Integer> DAYS =
      Map.of("SUN", 0, "MON", 1, "TUE", 2, "WED", 3, "THU", 4, "FRI", 5, "SAT", 6);

  /** How far ahead a search looks before deciding a (valid) expression never fires again. */
  private static final int YEARS_AHEAD = 30;

  private final BitSet seconds;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;
  private final boolean everyHour;

  private CronFields(String expression) {
    String[] f = expression.trim().split("\\s+");
    if (f.length != 5 && f.length != 6) {
      throw new IllegalArgumentException(
          "cron expression '"
              + expression
              + "' must have 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds"
              + " first), got "
              + f.length);
    }
    int o = f.length - 5;
    seconds = o == 1 ? parse(f[0], "second", 0, 59, null) : bits(0);
    minutes = parse(f[o], "minute", 0, 59, null);
    hours = parse(f[o + 1], "hour", 0, 23, null);
    daysOfMonth = parse(f[o + 2], "day-of-month", 1, 31, null);
    months = parse(f[o + 3], "month", 1, 12, MONTHS);
    BitSet dow = parse(f[o + 4], "day-of-week", 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0);
      dow.clear(7);
    }
    daysOfWeek = dow;
    domRestricted = !isStar(f[o + 2]);
    dowRestricted = !isStar(f[o + 4]);
    everyHour = f[o + 1].equals("*");
    if (!dowRestricted && !someMonthHasADay()) {
      throw new IllegalArgumentException(
          "cron expression '" + expression + "' never fires: no month has such a day");
    }
  }

  /**
   * Parses {@code expression}.
   *
   * @throws IllegalArgumentException naming the field and value that are wrong
   */
  public static CronFields parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("a cron expression must not be null or blank");
    }
    return new CronFields(expression);
  }

  /**
   * The first instant strictly after {@code after} at which the expression fires in {@code zone},
   * or null when it never fires again (within {@value #YEARS_AHEAD} years).
   */
  public Instant next(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    Instant found = nextByLocalTime(after, zone, rules);
    if (everyHour) {
      // Local times only move forward, so the repeated hour of a fall-back that starts after
      // `after` (02:00-03:00 again, in the later offset) is not seen by that walk.
      ZoneOffsetTransition t = rules.nextTransition(after);
      if (t != null && t.isOverlap() && (found == null || t.getInstant().isBefore(found))) {
        LocalDateTime c = nextMatch(t.getDateTimeAfter(), t.getDateTimeAfter().getYear());
        if (c != null && c.isBefore(t.getDateTimeBefore())) {
          Instant repeated = c.toInstant(t.getOffsetAfter());
          if (found == null || repeated.isBefore(found)) {
            return repeated;
          }
        }
      }
    }
    return found;
  }

  private Instant nextByLocalTime(Instant after, ZoneId zone, ZoneRules rules) {
    LocalDateTime local = LocalDateTime.ofInstant(after, zone).truncatedTo(ChronoUnit.SECONDS);
    int lastYear = local.getYear() + YEARS_AHEAD;
    LocalDateTime c = local;
    while (true) {
      c = nextMatch(c, lastYear);
      if (c == null) {
        return null;
      }
      Instant at = firstFireAfter(c, rules, after);
      if (at != null) {
        return at;
      }
      c = c.plusSeconds(1);
    }
  }

  /** When matching local time {@code c} fires after {@code after}, or null if not after it. */
  private Instant firstFireAfter(LocalDateTime c, ZoneRules rules, Instant after) {
    List<ZoneOffset> offsets = rules.getValidOffsets(c);
    Instant at;
    if (offsets.size() == 1) {
      at = c.toInstant(offsets.get(0));
    } else {
      ZoneOffsetTransition t = rules.getTransition(c);
      if (offsets.isEmpty()) {
        at = c.plus(t.getDuration()).toInstant(t.getOffsetAfter()); // skipped: shifted past the gap
      } else {
        at = c.toInstant(t.getOffsetBefore()); // repeated: its first occurrence ...
        if (!at.isAfter(after) && everyHour) {
          at = c.toInstant(t.getOffsetAfter()); // ... and its second for an hourly schedule
        }
      }
    }
    return at.isAfter(after) ? at : null;
  }

  /** The first local time at or after {@code c} that matches every field, or null. */
  private LocalDateTime nextMatch(LocalDateTime c, int lastYear) {
    while (c.getYear() <= lastYear) {
      if (!months.get(c.getMonthValue())) {
        c = c.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(c)) {
        c = c.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(c.getHour())) {
        c = c.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(c.getMinute())) {
        c = c.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
      } else if (!seconds.get(c.getSecond())) {
        c = c.plusSeconds(1);
      } else {
        return c;
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDateTime c) {
    boolean dom = daysOfMonth.get(c.getDayOfMonth());
    boolean dow = daysOfWeek.get(c.getDayOfWeek().getValue() % 7);
    if (domRestricted && dowRestricted) {
      return dom || dow;
    }
    return dom && dow;
  }

  private boolean someMonthHasADay() {
    for (int m = months.nextSetBit(1); m >= 0; m = months.nextSetBit(m + 1)) {
      int maxDay = Month.of(m).maxLength();
      int first = daysOfMonth.nextSetBit(1);
      if (first >= 0 && first <= maxDay) {
        return true;
      }
    }
    return false;
  }

  private static boolean isStar(String field) {
    return field.equals("*") || field.equals("?");
  }

  private static BitSet parse(
      String field, String name, int min, int max, Map<String, Integer> names) {
    BitSet out = new BitSet(max + 1);
    boolean dayField = name.startsWith("day");
    for (String part : field.split(",", -1)) {
      if (part.isEmpty()) {
        throw bad(field, name, "an empty list item");
      }
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), field, name);
        if (step < 1) {
          throw bad(field, name, "step " + step + " must be at least 1");
        }
      }
      int from;
      int to;
      if (range.equals("*") || dayField && range.equals("?")) {
        from = min;
        to = name.equals("day-of-week") ? 6 : max;
      } else {
        int dash = range.indexOf('-', 1);
        if (dash >= 0) {
          from = value(range.substring(0, dash), field, name, min, max, names);
          to = value(range.substring(dash + 1), field, name, min, max, names);
          if (from > to) {
            throw bad(field, name, "range " + range + " runs backwards");
          }
        } else {
          from = value(range, field, name, min, max, names);
          to = slash >= 0 ? max : from;
        }
      }
      for (int v = from; v <= to; v += step) {
        out.set(v);
      }
    }
    return out;
  }

  private static int value(
      String s, String field, String name, int min, int max, Map<String, Integer> names) {
    Integer named = names == null ? null : names.get(s.toUpperCase(Locale.ROOT));
    int v = named != null ? named : number(s, field, name, names);
    if (v < min || v > max) {
      throw bad(field, name, "value " + s + " is outside " + min + "-" + max);
    }
    return v;
  }

  private static int number(String s, String field, String name) {
    return number(s, field, name, null);
  }

  private static int number(String s, String field, String name, Map<String, Integer> names) {
    if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      throw bad(field, name, "'" + s + "' is not a number" + (names == null ? "" : " or name"));
    }
    return Integer.parseInt(s);
  }

  private static IllegalArgumentException bad(String field, String name, String why) {
    return new IllegalArgumentException("cron " + name + " field '" + field + "': " + why);
  }

  private static BitSet bits(int... values) {
    BitSet b = new BitSet();
    for (int v : values) {
      b.set(v);
    }
    return b;
  }

  private static Map<String, Integer> names(Month[] months, int first) {
    java.util.HashMap<String, Integer> m = new java.util.HashMap<>();
    for (Month month : months) {
      m.put(month.name().substring(0, 3), month.getValue() - 1 + first);
    }
    return Map.copyOf(m);
  }
}
