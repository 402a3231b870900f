package dev.jobqueue;

import dev.jobqueue.spi.JsonValues;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to run: built with {@link #builder(String, String)} and passed to {@link
 * JobQueue#submit(JobRequest)} or {@link JobTracker#create(JobRequest)}.
 *
 * @param maxAttempts attempts before a failure is final, or null for the queue's default
 * @param timeout how long one attempt may run (managed), or how long a tracked job may go without a
 *     report; null for the queue's default for the type
 * @param runAt the job does not start before this instant; null to start as soon as possible
 * @param delay the job does not start before this long after it is submitted (by the queue's
 *     clock); null for none. At most one of runAt and delay is set
 * @param uniqueKey while a job of the same user with this key is queued or running, submitting
 *     returns that job instead of a new one; null for none
 */
public record JobRequest(
    String type,
    String title,
    String description,
    Map<String, Object> input,
    int priority,
    String parentJobId,
    List<String> dependsOn,
    Integer maxAttempts,
    boolean optional,
    String userId,
    boolean cancelable,
    Integer totalSteps,
    Duration timeout,
    Instant runAt,
    Duration delay,
    String uniqueKey) {

  /** Longest accepted title, in characters. */
  public static final int MAX_TITLE_LENGTH = 500;

  /** Longest accepted type name, in characters. */
  public static final int MAX_TYPE_LENGTH = 100;

  /** Longest accepted unique key, in characters. */
  public static final int MAX_UNIQUE_KEY_LENGTH = 500;

  public JobRequest {
    type = requireText(type, "type", MAX_TYPE_LENGTH);
    title = requireText(title, "title", MAX_TITLE_LENGTH);
    input = input == null ? Map.of() : JsonValues.copyObject(input);
    dependsOn = dependsOn == null ? List.of() : List.copyOf(new LinkedHashSet<>(dependsOn));
    for (String d : dependsOn) {
      if (d.isBlank()) {
        throw new IllegalArgumentException("depends_on must not contain blank job ids");
      }
    }
    if (parentJobId != null && parentJobId.isBlank()) {
      throw new IllegalArgumentException("parentJobId must not be blank (use null for no parent)");
    }
    if (maxAttempts != null && maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (totalSteps != null && totalSteps < 0) {
      throw new IllegalArgumentException("totalSteps must not be negative, got " + totalSteps);
    }
    if (runAt != null && delay != null) {
      throw new IllegalArgumentException("set runAt or delay, not both");
    }
    if (delay != null && delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    if (uniqueKey != null) {
      uniqueKey = requireText(uniqueKey, "unique key", MAX_UNIQUE_KEY_LENGTH);
    }
  }

  private static String requireText(String value, String what, int maxLength) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("a job's " + what + " must not be null or blank");
    }
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(
          "a job's "
              + what
              + " must be at most "
              + maxLength
              + " characters, got "
              + value.length());
    }
    return value;
  }

  /** A builder for a job of {@code type} shown to users as {@code title}. */
  public static Builder builder(String type, String title) {
    return new Builder(type, title);
  }

  /** Builder for {@link JobRequest}; {@link #build()} checks every value. */
  public static final class Builder {
    private final String type;
    private final String title;
    private String description;
    private Map<String, Object> input;
    private int priority;
    private String parentJobId;
    private final List<String> dependsOn = new ArrayList<>();
    private Integer maxAttempts;
    private boolean optional;
    private String userId;
    private boolean cancelable = true;
    private Integer totalSteps;
    private Duration timeout;
    private Instant runAt;
    private Duration delay;
    private String uniqueKey;

    private Builder(String type, String title) {
      this.type = type;
      this.title = title;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** JSON-like input (maps, lists, strings, numbers, booleans); copied deeply. */
    public Builder input(Map<String, ?> input) {
      this.input = input == null ? null : JsonValues.copyObject(input);
      return this;
    }

    /** Higher runs first; the default is 0. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    public Builder parent(String parentJobId) {
      this.parentJobId = parentJobId;
      return this;
    }

    public Builder dependsOn(String... jobIds) {
      return dependsOn(List.of(jobIds));
    }

    public Builder dependsOn(Collection<String> jobIds) {
      for (String id : jobIds) {
        dependsOn.add(Objects.requireNonNull(id, "depends_on must not contain null"));
      }
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** A child whose failure only adds a warning to its parent. */
    public Builder optional(boolean optional) {
      this.optional = optional;
      return this;
    }

    public Builder userId(String userId) {
      this.userId = userId;
      return this;
    }

    public Builder cancelable(boolean cancelable) {
      this.cancelable = cancelable;
      return this;
    }

    public Builder totalSteps(int totalSteps) {
      this.totalSteps = totalSteps;
      return this;
    }

    /**
     * A managed job's attempt running longer than this is cancelled and fails "timed out after …"
     * (retried while attempts remain); a tracked job that reports nothing for this long fails.
     * Overrides the queue's default for the type.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The job stays queued until {@code runAt}, then runs like any queued job (priority,
     * dependencies and limits apply; it can be cancelled or deleted meanwhile). A past instant runs
     * it as soon as possible. Replaces an earlier {@link #delay}.
     */
    public Builder runAt(Instant runAt) {
      this.runAt = Objects.requireNonNull(runAt, "runAt");
      this.delay = null;
      return this;
    }

    /**
     * Like {@link #runAt} at {@code delay} after the queue stores the job (by its clock). Replaces
     * an earlier {@link #runAt}.
     */
    public Builder delay(Duration delay) {
      this.delay = Objects.requireNonNull(delay, "delay");
      this.runAt = null;
      return this;
    }

    /**
     * While a job of the same user with this key is queued or running, {@link JobQueue#submit}
     * returns that job instead of creating another; the store enforces it atomically, so racing
     * submits (from any thread or instance) create one job. Once the job has ended, the key is free
     * again.
     */
    public Builder uniqueKey(String uniqueKey) {
      this.uniqueKey = uniqueKey;
      return this;
    }

    public JobRequest build() {
      return new JobRequest(
          type,
          title,
          description,
          input,
          priority,
          parentJobId,
          dependsOn,
          maxAttempts,
          optional,
          userId,
          cancelable,
          totalSteps,
          timeout,
          runAt,
          delay,
          uniqueKey);
    }
  }
}
