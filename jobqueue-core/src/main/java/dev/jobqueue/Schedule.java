package dev.jobqueue;

import dev.jobqueue.internal.CronFields;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * When a recurring job fires: {@link #cron(String, ZoneId)} or {@link #every(Duration)}. Values;
 * {@link #spec()} and {@link #parse(String)} convert to and from the text stores keep.
 */
public sealed interface Schedule permits Schedule.Cron, Schedule.Every {

  /**
   * A cron schedule in {@code zone}: 5 fields {@code minute hour day-of-month month day-of-week},
   * or 6 with seconds first. Each field is {@code *}, a value, a range {@code 1-5}, a step {@code
   * *}{@code /15}, {@code 0-30/10} or {@code 5/15}, or a list of those ({@code 1,15,30}); months
   * and days of week also take names ({@code JAN}, {@code MON-FRI}); day-of-week 0 and 7 are
   * Sunday. When both day fields are restricted, a day matches either (as in POSIX cron).
   *
   * <p>Daylight saving: a time skipped by a spring-forward gap fires once, shifted by the gap
   * (02:30 becomes 03:30); a time repeated by a fall-back fires once, at its first occurrence,
   * except that a schedule whose hour field is {@code *} keeps firing through the repeated hour.
   *
   * @throws IllegalArgumentException naming the field that is wrong, or when it never fires
   */
  static Schedule cron(String expression, ZoneId zone) {
    return new Cron(expression, zone);
  }

  /**
   * Fires every {@code interval}, at whole multiples of it since the epoch (every 5 minutes fires
   * at :00, :05, …), so that every instance sharing a store computes the same instants.
   *
   * @throws IllegalArgumentException unless the interval is at least one second, in whole seconds
   */
  static Schedule every(Duration interval) {
    return new Every(interval);
  }

  /**
   * The schedule that {@link #spec()} wrote: {@code "cron <zone> <fields>"} or {@code "every
   * <ISO-8601 duration>"}.
   *
   * @throws IllegalArgumentException for any other text
   */
  static Schedule parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String[] parts = spec.trim().split("\\s+", 3);
    try {
      if (parts[0].equals("cron") && parts.length == 3) {
        return cron(parts[2], ZoneId.of(parts[1]));
      }
      if (parts[0].equals("every") && parts.length == 2) {
        return every(Duration.parse(parts[1]));
      }
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("bad schedule '" + spec + "': " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "bad schedule '" + spec + "': expected 'cron <zone> <fields>' or 'every <duration>'");
  }

  /**
   * The first instant strictly after {@code after} when this schedule fires, or null if it never
   * fires again.
   */
  Instant next(Instant after);

  /** This schedule as text that {@link #parse(String)} reads back. */
  String spec();

  /** A cron schedule; see {@link Schedule#cron(String, ZoneId)}. */
  final class Cron implements Schedule {
    private final String expression;
    private final ZoneId zone;
    private final CronFields fields;

    /**
     * Parses {@code expression}; see {@link Schedule#cron(String, ZoneId)}.
     *
     * @param expression the cron fields
     * @param zone the zone whose local time the fields are in
     */
    public Cron(String expression, ZoneId zone) {
      this.fields = CronFields.parse(expression);
      this.expression = expression.trim().replaceAll("\\s+", " ");
      this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The fields, as given (whitespace normalised). */
    public String expression() {
      return expression;
    }

    /** The zone whose local time the fields are in. */
    public ZoneId zone() {
      return zone;
    }

    @Override
    public Instant next(Instant after) {
      return fields.next(Objects.requireNonNull(after, "after"), zone);
    }

    @Override
    public String spec() {
      return "cron " + zone.getId() + " " + expression;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cron c && c.expression.equals(expression) && c.zone.equals(zone);
    }

    @Override
    public int hashCode() {
      return expression.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
      return "cron(" + expression + ", " + zone.getId() + ")";
    }
  }

  /**
   * A fixed interval; see {@link Schedule#every(Duration)}.
   *
   * @param interval time between two occurrences, whole seconds, at least one
   */
  record Every(Duration interval) implements Schedule {
    public Every {
      Objects.requireNonNull(interval, "interval");
      if (interval.getSeconds() < 1 || interval.getNano() != 0) {
        throw new IllegalArgumentException(
            "a schedule's interval must be whole seconds, at least 1, got " + interval);
      }
    }

    @Override
    public Instant next(Instant after) {
      long step = interval.getSeconds();
      long k = Math.floorDiv(after.getEpochSecond(), step) + 1;
      return Instant.ofEpochSecond(k * step);
    }

    @Override
    public String spec() {
      return "every " + interval;
    }
  }
}
