package dev.jobqueue.spring.boot;

import dev.jobqueue.RecoveryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code jobqueue.*} properties. An option left unset keeps the library's default (the {@code
 * DEFAULT_*} constants of {@link dev.jobqueue.JobQueueBuilder} and of the filter).
 */
@ConfigurationProperties("jobqueue")
public class JobQueueProperties {
  /** Whether to auto-configure a job queue at all. */
  private boolean enabled = true;

  /** Worker threads; 0 for a queue that only tracks work the application runs itself. */
  private Integer workers;

  /** Attempts of a job whose request does not say (1: no automatic retry). */
  private Integer defaultMaxAttempts;

  /** What happens to jobs found running after a crash: FAIL, or REQUEUE while attempts remain. */
  private RecoveryPolicy recoveryPolicy;

  /** How long closing the queue waits for running jobs before it cancels them. */
  private Duration shutdownTimeout;

  private final Retention retention = new Retention();
  private final RetryBackoff retryBackoff = new RetryBackoff();
  private final Store store = new Store();
  private final Web web = new Web();
  private final Metrics metrics = new Metrics();
  private final Observation observation = new Observation();
  private final Health health = new Health();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Integer getWorkers() {
    return workers;
  }

  public void setWorkers(Integer workers) {
    this.workers = workers;
  }

  public Integer getDefaultMaxAttempts() {
    return defaultMaxAttempts;
  }

  public void setDefaultMaxAttempts(Integer defaultMaxAttempts) {
    this.defaultMaxAttempts = defaultMaxAttempts;
  }

  public RecoveryPolicy getRecoveryPolicy() {
    return recoveryPolicy;
  }

  public void setRecoveryPolicy(RecoveryPolicy recoveryPolicy) {
    this.recoveryPolicy = recoveryPolicy;
  }

  public Duration getShutdownTimeout() {
    return shutdownTimeout;
  }

  public void setShutdownTimeout(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  public Retention getRetention() {
    return retention;
  }

  public RetryBackoff getRetryBackoff() {
    return retryBackoff;
  }

  public Store getStore() {
    return store;
  }

  public Web getWeb() {
    return web;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Observation getObservation() {
    return observation;
  }

  public Health getHealth() {
    return health;
  }

  /** Purge of finished jobs; unset values keep {@link dev.jobqueue.Retention#DEFAULT}'s. */
  public static class Retention {
    /** Finished jobs older than this are purged (default 24h). */
    private Duration maxAge;

    /** Finished jobs beyond the newest this many are purged (default 10000). */
    private Integer keepLast;

    /** How often the purge runs (default 1m). */
    private Duration interval;

    public Duration getMaxAge() {
      return maxAge;
    }

    public void setMaxAge(Duration maxAge) {
      this.maxAge = maxAge;
    }

    public Integer getKeepLast() {
      return keepLast;
    }

    public void setKeepLast(Integer keepLast) {
      this.keepLast = keepLast;
    }

    public Duration getInterval() {
      return interval;
    }

    public void setInterval(Duration interval) {
      this.interval = interval;
    }
  }

  /**
   * Wait before automatic retries; unset values keep {@link dev.jobqueue.RetryBackoff#DEFAULT}'s.
   */
  public static class RetryBackoff {
    /** Wait before the second attempt (default 1s). */
    private Duration initial;

    /** Factor between successive waits, at least 1 (default 2). */
    private Double multiplier;

    /** Longest wait (default 5m). */
    private Duration max;

    public Duration getInitial() {
      return initial;
    }

    public void setInitial(Duration initial) {
      this.initial = initial;
    }

    public Double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(Double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMax() {
      return max;
    }

    public void setMax(Duration max) {
      this.max = max;
    }
  }

  /** Where jobs live. */
  public static class Store {
    /**
     * memory (lost on restart), sqlite (one file; needs dev.jobqueue:jobqueue-sqlite) or postgres
     * (the application's DataSource, shared by every instance; needs
     * dev.jobqueue:jobqueue-postgres).
     */
    private StoreType type = StoreType.MEMORY;

    /** The SQLite database file; its directory is created when missing. */
    private Path path = Path.of("jobqueue.db");

    /** PostgreSQL options, for type postgres. */
    private final Postgres postgres = new Postgres();

    public Postgres getPostgres() {
      return postgres;
    }

    public StoreType getType() {
      return type;
    }

    public void setType(StoreType type) {
      this.type = type;
    }

    public Path getPath() {
      return path;
    }

    public void setPath(Path path) {
      this.path = path;
    }
  }

  /** The store kinds {@code jobqueue.store.type} accepts. */
  public enum StoreType {
    MEMORY,
    SQLITE,
    POSTGRES
  }

  /** {@code jobqueue.store.postgres.*}: options of the PostgreSQL store. */
  public static class Postgres {
    /** Schema of the tables, created if missing. */
    private String schema = "public";

    /** Prefix of every table and index; two prefixes are two independent queues. */
    private String tablePrefix = "jobqueue_";

    /**
     * Whether commits send NOTIFY so that other instances see changes at once; false behind
     * PgBouncer in transaction pooling mode (changes then arrive within the poll interval).
     */
    private boolean notifications = true;

    /** How often the change feed reads other instances' changes without a notification. */
    private Duration pollInterval = Duration.ofMillis(500);

    public String getSchema() {
      return schema;
    }

    public void setSchema(String schema) {
      this.schema = schema;
    }

    public String getTablePrefix() {
      return tablePrefix;
    }

    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }

    public boolean isNotifications() {
      return notifications;
    }

    public void setNotifications(boolean notifications) {
      this.notifications = notifications;
    }

    public Duration getPollInterval() {
      return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
      this.pollInterval = pollInterval;
    }
  }

  /** The REST API, SSE stream and widget filter. */
  public static class Web {
    /** Whether to serve the API, the stream and the widget. */
    private boolean enabled = true;

    /** Where they are served: starts with '/', no trailing '/'. */
    private String basePath = "/api/jobs";

    /**
     * Without Spring Security or a JobQueueUserResolver bean, every caller would see and control
     * every job; the application starts only when this is true.
     */
    private boolean sharedViewForAllCallers;

    /** Origins besides the server's own that may send state-changing requests. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Whether jobs' input is sent to clients (it may hold secrets). */
    private boolean exposeInput;

    /** Filter order; after Spring Security's filter chain (-100) so its principal is known. */
    private int filterOrder;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getBasePath() {
      return basePath;
    }

    public void setBasePath(String basePath) {
      this.basePath = basePath;
    }

    public boolean isSharedViewForAllCallers() {
      return sharedViewForAllCallers;
    }

    public void setSharedViewForAllCallers(boolean sharedViewForAllCallers) {
      this.sharedViewForAllCallers = sharedViewForAllCallers;
    }

    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    public boolean isExposeInput() {
      return exposeInput;
    }

    public void setExposeInput(boolean exposeInput) {
      this.exposeInput = exposeInput;
    }

    public int getFilterOrder() {
      return filterOrder;
    }

    public void setFilterOrder(int filterOrder) {
      this.filterOrder = filterOrder;
    }
  }

  /** Micrometer meters (needs dev.jobqueue:jobqueue-micrometer and a MeterRegistry). */
  public static class Metrics {
    /** Whether to register the queue's meters. */
    private boolean enabled = true;

    /** Percentiles of the wait and run timers, for example 0.5,0.95. */
    private List<Double> percentiles = new ArrayList<>();

    /** Whether the timers publish histogram buckets. */
    private boolean percentileHistogram;

    /** Distinct values of the type tag; further types share "other". */
    private int maxTypes = 50;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<Double> getPercentiles() {
      return percentiles;
    }

    public void setPercentiles(List<Double> percentiles) {
      this.percentiles = percentiles;
    }

    public boolean isPercentileHistogram() {
      return percentileHistogram;
    }

    public void setPercentileHistogram(boolean percentileHistogram) {
      this.percentileHistogram = percentileHistogram;
    }

    public int getMaxTypes() {
      return maxTypes;
    }

    public void setMaxTypes(int maxTypes) {
      this.maxTypes = maxTypes;
    }
  }

  /** Micrometer observations around handler runs, for tracing. */
  public static class Observation {
    /** Whether each handler run is an observation (needs an ObservationRegistry bean). */
    private boolean enabled;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The Actuator health indicator. */
  public static class Health {
    /** Queued jobs above which the queue reports DOWN; unset: a backlog never does. */
    private Long maxBacklog;

    public Long getMaxBacklog() {
      return maxBacklog;
    }

    public void setMaxBacklog(Long maxBacklog) {
      this.maxBacklog = maxBacklog;
    }
  }
}
