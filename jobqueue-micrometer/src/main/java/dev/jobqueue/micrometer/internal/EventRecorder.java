package dev.jobqueue.micrometer.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobEvent;
import dev.jobqueue.JobListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Turns the queue's events into counter increments and timer samples. Runs on the binder's own
 * listener thread; every status change arrives (only progress may be coalesced), in order per job.
 */
public final class EventRecorder implements JobListener {
  /** A running job's start, kept because a move back to queued clears {@code started_at}. */
  private record Run(Instant startedAt, boolean managed) {}

  private final MeterConfig config;
  private final TypeTags typeTags;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final Consumer<String> onNewTypeTag;
  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private final Map<String, Instant> queuedSince = new ConcurrentHashMap<>();
  private volatile long lastSequence;

  public EventRecorder(MeterConfig config, TypeTags typeTags, Consumer<String> onNewTypeTag) {
    this.config = config;
    this.typeTags = typeTags;
    this.onNewTypeTag = onNewTypeTag;
  }

  public void addRegistry(MeterRegistry registry) {
    registries.add(registry);
  }

  /** Managed jobs running now (tracked jobs use no worker). */
  public int busyWorkers() {
    int n = 0;
    for (Run r : running.values()) {
      if (r.managed()) {
        n++;
      }
    }
    return n;
  }

  /** The sequence of the last event recorded. */
  public long lastSequence() {
    return lastSequence;
  }

  @Override
  public void onEvent(JobEvent event) {
    Job job = event.job();
    String type = tagOf(job.type());
    if (event.kind() == JobEvent.Kind.DELETED) {
      running.remove(job.id());
      queuedSince.remove(job.id());
    } else {
      if (event.kind() == JobEvent.Kind.CREATED) {
        count("jobqueue.jobs.submitted", type, null);
      }
      if (event.statusChanged()) {
        statusChanged(event.kind(), job, type);
      }
    }
    lastSequence = event.sequence();
  }

  private void statusChanged(JobEvent.Kind kind, Job job, String type) {
    switch (job.status()) {
      case QUEUED -> {
        Run ended = running.remove(job.id());
        if (ended != null) {
          // an automatic retry (or a re-queue) ends the attempt without a terminal status
          recordDuration(type, "retried", ended.startedAt(), job.updatedAt());
        }
        if (kind == JobEvent.Kind.UPDATED) {
          count("jobqueue.jobs.retried", type, null);
        }
        // waiting for a delay or a backoff is not waiting for a worker; a claim clears run_at
        Instant due = job.updatedAt();
        if (job.runAt() != null && job.runAt().isAfter(due)) {
          due = job.runAt();
        }
        queuedSince.put(job.id(), due);
      }
      case RUNNING -> {
        Instant started = job.startedAt() == null ? job.updatedAt() : job.startedAt();
        running.put(job.id(), new Run(started, !job.tracked()));
        Instant since = queuedSince.remove(job.id());
        Instant from = since == null ? job.createdAt() : since;
        timer("jobqueue.job.wait", "Time from queued (and due) to started", type, null)
            .record(nonNegative(from, started));
      }
      case COMPLETED, FAILED, CANCELLED -> {
        String outcome = job.status().wireName();
        queuedSince.remove(job.id());
        Run ended = running.remove(job.id());
        Instant started = ended != null ? ended.startedAt() : job.startedAt();
        if (started != null) {
          Instant end = job.completedAt() == null ? job.updatedAt() : job.completedAt();
          recordDuration(type, outcome, started, end);
        }
        count("jobqueue.jobs.finished", type, outcome);
      }
    }
  }

  private String tagOf(String type) {
    if (typeTags.admit(type)) {
      onNewTypeTag.accept(type);
      return type;
    }
    String tag = typeTags.peek(type);
    if (tag.equals(TypeTags.OTHER) && typeTags.firstOverflow()) {
      onNewTypeTag.accept(TypeTags.OTHER);
    }
    return tag;
  }

  private void recordDuration(String type, String outcome, Instant from, Instant to) {
    timer("jobqueue.job.duration", "Run time of one attempt", type, outcome)
        .record(nonNegative(from, to));
  }

  private static Duration nonNegative(Instant from, Instant to) {
    Duration d = Duration.between(from, to);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private void count(String name, String type, String outcome) {
    for (MeterRegistry r : registries) {
      Counter.Builder b = Counter.builder(name).tags(config.tags()).tag("type", type);
      if (outcome != null) {
        b.tag("outcome", outcome);
      }
      b.description(description(name)).register(r).increment();
    }
  }

  private static String description(String counter) {
    return switch (counter) {
      case "jobqueue.jobs.submitted" -> "Jobs created (submitted, or tracked by the host)";
      case "jobqueue.jobs.finished" -> "Jobs that reached a terminal status, by outcome";
      default -> "Jobs queued again after failing or being cancelled";
    };
  }

  private Multi timer(String name, String description, String type, String outcome) {
    return d -> {
      for (MeterRegistry r : registries) {
        Timer.Builder b =
            Timer.builder(name).description(description).tags(config.tags()).tag("type", type);
        if (outcome != null) {
          b.tag("outcome", outcome);
        }
        if (config.percentiles().length > 0) {
          b.publishPercentiles(config.percentiles());
        }
        b.publishPercentileHistogram(config.percentileHistogram()).register(r).record(d);
      }
    };
  }

  /** One sample for the same timer in every bound registry. */
  @FunctionalInterface
  private interface Multi {
    void record(Duration d);
  }
}
