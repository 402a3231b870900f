package dev.jobqueue.micrometer.internal;

import dev.jobqueue.JobQueue;
import dev.jobqueue.JobStats;
import dev.jobqueue.JobStatus;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link JobQueue#stats} for the job-count gauges, reused for {@code refresh}: one scrape reads
 * five gauges per job type, and stats asks the store for counts and recent jobs each time.
 */
public final class StatsCache {
  private static final Logger log = LoggerFactory.getLogger(StatsCache.class);

  private final JobQueue queue;
  private final long refreshNanos;
  private JobStats stats;
  private long readAt;

  public StatsCache(JobQueue queue, Duration refresh) {
    this.queue = queue;
    this.refreshNanos = refresh.toNanos();
  }

  /** Jobs of {@code status} whose type maps to {@code typeTag}; NaN when the queue cannot say. */
  public synchronized double count(TypeTags tags, String typeTag, JobStatus status) {
    JobStats s = current();
    if (s == null) {
      return Double.NaN;
    }
    long n = 0;
    for (Map.Entry<String, Map<JobStatus, Long>> e : s.byType().entrySet()) {
      if (tags.peek(e.getKey()).equals(typeTag)) {
        n += e.getValue().getOrDefault(status, 0L);
      }
    }
    return n;
  }

  /** Types that have jobs now, to admit at bind time. */
  public synchronized Iterable<String> types() {
    JobStats s = current();
    return s == null ? java.util.List.of() : s.byType().keySet();
  }

  private JobStats current() {
    long now = System.nanoTime();
    if (stats == null || now - readAt >= refreshNanos) {
      try {
        stats = queue.stats(null);
        readAt = now;
      } catch (RuntimeException e) {
        // a closed queue or an unreachable store: the gauge shows NaN rather than stale counts
        log.debug("job counts unavailable: {}", e.toString());
        stats = null;
      }
    }
    return stats;
  }
}
