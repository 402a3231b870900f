package dev.jobqueue.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobRequest;
import dev.jobqueue.MissedRunPolicy;
import dev.jobqueue.RecurringSchedule;
import dev.jobqueue.Schedule;
import dev.jobqueue.UnknownJobTypeException;
import dev.jobqueue.spi.JobStore;
import dev.jobqueue.spi.Templates;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring schedules: kept in the store, changed with compare-and-set, and fired by a tick on the
 * queue's scheduler thread. Each occurrence is submitted through {@link JobStore#fireSchedule},
 * whose occurrence key lets exactly one of the queues sharing the store submit it.
 */
final class Schedules {
  private static final Logger log = LoggerFactory.getLogger(Schedules.class);

  private final QueueConfig config;
  private final JobStore store;
  private final EventHub hub;
  private final Submission submission;
  private final Consumer<Instant> wake;
  private final Duration missedAfter;
  private volatile boolean unsupported;

  Schedules(QueueConfig config, EventHub hub, Submission submission, Consumer<Instant> wake) {
    this.config = config;
    this.store = config.store();
    this.hub = hub;
    this.submission = submission;
    this.wake = wake;
    Duration twoPolls = config.pollInterval().multipliedBy(2);
    this.missedAfter =
        twoPolls.compareTo(Duration.ofMinutes(1)) > 0 ? twoPolls : Duration.ofMinutes(1);
  }

  /** Ticks every poll interval (at least 100 ms, at most 1 s) until the scheduler stops. */
  void start(ScheduledExecutorService scheduler) {
    long ms = Math.max(100, Math.min(1000, config.pollInterval().toMillis()));
    try {
      scheduler.scheduleWithFixedDelay(this::tickQuietly, 0, ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("not starting schedules: the queue is closing");
    }
  }

  RecurringSchedule schedule(String id, Schedule schedule, JobRequest template) {
    checkTemplate(template);
    while (true) {
      Instant now = config.clock().instant();
      Optional<RecurringSchedule> cur = store.getSchedule(id);
      if (cur.isEmpty()) {
        RecurringSchedule s =
            new RecurringSchedule(id, schedule, template, false, schedule.next(now), null, null, 1);
        if (store.insertSchedule(s)) {
          log.info("schedule {} created: {}, next run {}", id, schedule, s.nextRunAt());
          return s;
        }
        continue;
      }
      RecurringSchedule c = cur.get();
      if (c.schedule().equals(schedule) && sameTemplate(c.template(), template)) {
        return c; // the same definition again (every start-up calls this): keep its state
      }
      RecurringSchedule next =
          new RecurringSchedule(
              id,
              schedule,
              template,
              c.paused(),
              schedule.next(now),
              c.lastRunAt(),
              c.lastJobId(),
              c.version() + 1);
      if (store.updateSchedule(next, c.version())) {
        log.info("schedule {} changed: {}, next run {}", id, schedule, next.nextRunAt());
        return next;
      }
    }
  }

  /** Equal as stored: a store's JSON may give numbers back as another Number type. */
  private static boolean sameTemplate(JobRequest a, JobRequest b) {
    return normalized(Templates.toMap(a)).equals(normalized(Templates.toMap(b)));
  }

  private static Object normalized(Object v) {
    if (v instanceof Number n) {
      return new java.math.BigDecimal(n.toString()).stripTrailingZeros();
    }
    if (v instanceof java.util.Map<?, ?> m) {
      java.util.Map<Object, Object> out = new java.util.HashMap<>();
      m.forEach((k, x) -> out.put(k, normalized(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(Schedules::normalized).toList();
    }
    return v;
  }

  List<RecurringSchedule> list() {
    return store.schedules();
  }

  RecurringSchedule pause(String id) {
    return change(id, c -> with(c, true, c.nextRunAt()));
  }

  /** Goes on from the next occurrence after now: occurrences while paused are not made up. */
  RecurringSchedule resume(String id) {
    return change(id, c -> with(c, false, c.schedule().next(config.clock().instant())));
  }

  boolean delete(String id) {
    return store.deleteSchedule(id);
  }

  private RecurringSchedule change(String id, UnaryOperator<RecurringSchedule> f) {
    while (true) {
      RecurringSchedule c =
          store
              .getSchedule(id)
              .orElseThrow(() -> new IllegalArgumentException("no schedule with id '" + id + "'"));
      RecurringSchedule next = f.apply(c);
      if (next.equals(c) || store.updateSchedule(next, c.version())) {
        return next.equals(c) ? c : next;
      }
    }
  }

  private static RecurringSchedule with(RecurringSchedule c, boolean paused, Instant nextRunAt) {
    if (c.paused() == paused && java.util.Objects.equals(c.nextRunAt(), nextRunAt)) {
      return c;
    }
    return new RecurringSchedule(
        c.id(),
        c.schedule(),
        c.template(),
        paused,
        nextRunAt,
        c.lastRunAt(),
        c.lastJobId(),
        c.version() + 1);
  }

  private void checkTemplate(JobRequest t) {
    if (!config.handlers().containsKey(t.type())) {
      throw new UnknownJobTypeException(t.type(), config.handlers().keySet());
    }
    if (t.parentJobId() != null
        || !t.dependsOn().isEmpty()
        || t.runAt() != null
        || t.delay() != null) {
      throw new IllegalArgumentException(
          "a schedule's job template cannot have a parent, dependencies, runAt or delay");
    }
  }

  private void tickQuietly() {
    if (unsupported) {
      return;
    }
    try {
      tick();
    } catch (UnsupportedOperationException e) {
      unsupported = true;
      log.debug("the store keeps no schedules: {}", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("firing recurring schedules failed; trying again at the next tick", e);
    }
  }

  /** Fires every due schedule whose job type this queue handles. */
  void tick() {
    Instant now = config.clock().instant();
    for (RecurringSchedule s : store.schedules()) {
      if (s.paused()
          || s.nextRunAt() == null
          || s.nextRunAt().isAfter(now)
          || !config.handlers().containsKey(s.template().type())) {
        continue;
      }
      fire(s, now);
    }
  }

  private void fire(RecurringSchedule s, Instant now) {
    Instant occurrence = s.nextRunAt();
    Instant next = s.schedule().next(now); // occurrences missed meanwhile fold into this one
    if (config.missedRuns() == MissedRunPolicy.SKIP && now.isAfter(occurrence.plus(missedAfter))) {
      if (store.updateSchedule(with(s, false, next), s.version())) {
        log.info(
            "schedule {}: skipped the missed run of {}, next run {}", s.id(), occurrence, next);
      }
      return;
    }
    Job job = submission.newJob(s.template(), now);
    boolean[] fired = {false};
    try {
      hub.written(
          JobEvent.Kind.CREATED,
          job,
          true,
          () -> fired[0] = store.fireSchedule(s.id(), occurrence, next, job));
    } catch (UniqueKeyConflictException e) {
      // the previous run is still going: this one is skipped, not queued behind it
      if (store.updateSchedule(with(s, false, next), s.version())) {
        log.info("schedule {}: run of {} skipped: {}", s.id(), occurrence, e.getMessage());
      }
      return;
    }
    if (fired[0]) {
      log.debug("schedule {}: run of {} submitted {}", s.id(), occurrence, job.id());
      wake.accept(null);
    }
  }
}
