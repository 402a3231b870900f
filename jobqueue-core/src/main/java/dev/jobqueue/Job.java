package dev.jobqueue;

import dev.jobqueue.spi.JsonValues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of one job. Every change makes a new snapshot with a higher {@link
 * #version()}; stores update with compare-and-set on it.
 *
 * <p>The first block of components is the public job model whose JSON names (snake_case) are a
 * contract of the HTTP API. The last block ({@code input} onwards) is <b>store bookkeeping</b>:
 * stores persist it and the queue reads it, but browsers do not see it (except {@code input} when
 * the host opts in, and {@code cancel_requested} / {@code run_at}, which the API shows). Host code
 * should treat those components as read-only facts about the queue's work, not as API to build on.
 *
 * <p>Only the queue makes snapshots of live jobs (every change goes through its state machine);
 * {@link Builder} and the canonical constructor exist for stores decoding rows and for tests.
 *
 * @param id unique id ({@code job_id})
 * @param type the host's job type, for example {@code "analyze"}
 * @param status current status
 * @param createdAt when it was submitted
 * @param startedAt when the current attempt started running, or null
 * @param completedAt when it reached a terminal status, or null
 * @param updatedAt when this snapshot was made
 * @param progress 0.0–1.0
 * @param progressMessage free text such as "3/6 analyses done", or null
 * @param currentStep current step, or null
 * @param totalSteps number of steps, or null
 * @param title short text shown to users
 * @param description longer text, or null
 * @param parentJobId the parent's id, or null
 * @param childJobIds ids of the children, in spawn order
 * @param result the result map of a completed job (JSON-like values), or null
 * @param error why it failed (or the last attempt's error while a retry is scheduled), or null
 * @param userId the owning user, or null
 * @param cancelable whether users may cancel it
 * @param priority higher runs first; FIFO within one priority
 * @param attempt the current attempt, starting at 1
 * @param maxAttempts attempts allowed before a failure is final (automatic retries)
 * @param dependsOn ids of jobs that must complete before this one may run
 * @param optional a child whose failure only adds a warning to its parent
 * @param etaSeconds estimated seconds until completion, or null when unknown
 * @param warnings warnings, for example from optional children that failed
 * @param input the job's input (JSON-like values); needed to retry or to run it elsewhere
 * @param version per-job version, 1 for a new job, +1 for each change
 * @param runAt a queued job does not start before this instant (retry backoff), or null
 * @param owner the queue instance running it, or null
 * @param leaseExpiresAt when the owner's claim lapses unless renewed, or null
 * @param cancelRequested a cancel was asked for while it was running
 * @param tracked the host runs this job itself; workers never claim it
 * @param awaitingChildren its own work finished; it ends when its last child ends
 * @param timeout a managed attempt running longer fails ("timed out"); a tracked job without a
 *     report for this long fails; null for the queue's default for its type
 * @param uniqueKey while this job is queued or running, no other job of its user has this key (the
 *     store enforces it); null for none
 * @param checkpoint the state its handler last saved with {@link JobContext#checkpoint}, kept
 *     across attempts; null before the first
 */
public record Job(
    String id,
    String type,
    JobStatus status,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Instant updatedAt,
    double progress,
    String progressMessage,
    Integer currentStep,
    Integer totalSteps,
    String title,
    String description,
    String parentJobId,
    List<String> childJobIds,
    Map<String, Object> result,
    String error,
    String userId,
    boolean cancelable,
    int priority,
    int attempt,
    int maxAttempts,
    List<String> dependsOn,
    boolean optional,
    Double etaSeconds,
    List<String> warnings,
    Map<String, Object> input,
    long version,
    Instant runAt,
    String owner,
    Instant leaseExpiresAt,
    boolean cancelRequested,
    boolean tracked,
    boolean awaitingChildren,
    Duration timeout,
    String uniqueKey,
    Map<String, Object> checkpoint) {

  /** The error of a job that was running when its process stopped. */
  public static final String INTERRUPTED_ERROR =
      "interrupted: the server stopped while this job was running";

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(title, "title");
    childJobIds = childJobIds == null ? List.of() : List.copyOf(childJobIds);
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    result = result == null ? null : JsonValues.copyObject(result);
    input = input == null ? Map.of() : JsonValues.copyObject(input);
    checkpoint = checkpoint == null ? null : JsonValues.copyObject(checkpoint);
  }

  /** A builder holding this snapshot's values, to derive the next snapshot. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Whether this job is completed, failed or cancelled. */
  public boolean isTerminal() {
    return status.isTerminal();
  }

  /** A short description for messages: id, type and status. */
  public String describe() {
    return "job " + id + " (" + type + ", " + status.wireName() + ")";
  }

  /**
   * Mutable copy of a snapshot, for stores and tests (SPI): the queue never accepts a snapshot
   * built by its caller; {@link #build()} makes an immutable snapshot.
   */
  public static final class Builder {
    private String id;
    private String type;
    private JobStatus status;
    private Instant createdAt;
    private Instant startedAt;
    private Instant completedAt;
    private Instant updatedAt;
    private double progress;
    private String progressMessage;
    private Integer currentStep;
    private Integer totalSteps;
    private String title;
    private String description;
    private String parentJobId;
    private List<String> childJobIds;
    private Map<String, Object> result;
    private String error;
    private String userId;
    private boolean cancelable;
    private int priority;
    private int attempt;
    private int maxAttempts;
    private List<String> dependsOn;
    private boolean optional;
    private Double etaSeconds;
    private List<String> warnings;
    private Map<String, Object> input;
    private long version;
    private Instant runAt;
    private String owner;
    private Instant leaseExpiresAt;
    private boolean cancelRequested;
    private boolean tracked;
    private boolean awaitingChildren;
    private Duration timeout;
    private String uniqueKey;
    private Map<String, Object> checkpoint;

    /** An empty builder; id, type, status, createdAt, updatedAt and title must be set. */
    public Builder() {
      this.cancelable = true;
      this.attempt = 1;
      this.maxAttempts = 1;
      this.version = 1;
    }

    private Builder(Job j) {
      id = j.id;
      type = j.type;
      status = j.status;
      createdAt = j.createdAt;
      startedAt = j.startedAt;
      completedAt = j.completedAt;
      updatedAt = j.updatedAt;
      progress = j.progress;
      progressMessage = j.progressMessage;
      currentStep = j.currentStep;
      totalSteps = j.totalSteps;
      title = j.title;
      description = j.description;
      parentJobId = j.parentJobId;
      childJobIds = j.childJobIds;
      result = j.result;
      error = j.error;
      userId = j.userId;
      cancelable = j.cancelable;
      priority = j.priority;
      attempt = j.attempt;
      maxAttempts = j.maxAttempts;
      dependsOn = j.dependsOn;
      optional = j.optional;
      etaSeconds = j.etaSeconds;
      warnings = j.warnings;
      input = j.input;
      version = j.version;
      runAt = j.runAt;
      owner = j.owner;
      leaseExpiresAt = j.leaseExpiresAt;
      cancelRequested = j.cancelRequested;
      tracked = j.tracked;
      awaitingChildren = j.awaitingChildren;
      timeout = j.timeout;
      uniqueKey = j.uniqueKey;
      checkpoint = j.checkpoint;
    }

    // spotless:off — one line per setter reads as the table it is
    public Builder id(String v) { id = v; return this; }
    public Builder type(String v) { type = v; return this; }
    public Builder status(JobStatus v) { status = v; return this; }
    public Builder createdAt(Instant v) { createdAt = v; return this; }
    public Builder startedAt(Instant v) { startedAt = v; return this; }
    public Builder completedAt(Instant v) { completedAt = v; return this; }
    public Builder updatedAt(Instant v) { updatedAt = v; return this; }
    public Builder progress(double v) { progress = v; return this; }
    public Builder progressMessage(String v) { progressMessage = v; return this; }
    public Builder currentStep(Integer v) { currentStep = v; return this; }
    public Builder totalSteps(Integer v) { totalSteps = v; return this; }
    public Builder title(String v) { title = v; return this; }
    public Builder description(String v) { description = v; return this; }
    public Builder parentJobId(String v) { parentJobId = v; return this; }
    public Builder childJobIds(List<String> v) { childJobIds = v; return this; }
    public Builder result(Map<String, Object> v) { result = v; return this; }
    public Builder error(String v) { error = v; return this; }
    public Builder userId(String v) { userId = v; return this; }
    public Builder cancelable(boolean v) { cancelable = v; return this; }
    public Builder priority(int v) { priority = v; return this; }
    public Builder attempt(int v) { attempt = v; return this; }
    public Builder maxAttempts(int v) { maxAttempts = v; return this; }
    public Builder dependsOn(List<String> v) { dependsOn = v; return this; }
    public Builder optional(boolean v) { optional = v; return this; }
    public Builder etaSeconds(Double v) { etaSeconds = v; return this; }
    public Builder warnings(List<String> v) { warnings = v; return this; }
    public Builder input(Map<String, Object> v) { input = v; return this; }
    public Builder version(long v) { version = v; return this; }
    public Builder runAt(Instant v) { runAt = v; return this; }
    public Builder owner(String v) { owner = v; return this; }
    public Builder leaseExpiresAt(Instant v) { leaseExpiresAt = v; return this; }
    public Builder cancelRequested(boolean v) { cancelRequested = v; return this; }
    public Builder tracked(boolean v) { tracked = v; return this; }
    public Builder awaitingChildren(boolean v) { awaitingChildren = v; return this; }
    public Builder timeout(Duration v) { timeout = v; return this; }
    public Builder uniqueKey(String v) { uniqueKey = v; return this; }
    public Builder checkpoint(Map<String, Object> v) { checkpoint = v; return this; }
    // spotless:on

    public Job build() {
      return new Job(
          id,
          type,
          status,
          createdAt,
          startedAt,
          completedAt,
          updatedAt,
          progress,
          progressMessage,
          currentStep,
          totalSteps,
          title,
          description,
          parentJobId,
          childJobIds,
          result,
          error,
          userId,
          cancelable,
          priority,
          attempt,
          maxAttempts,
          dependsOn,
          optional,
          etaSeconds,
          warnings,
          input,
          version,
          runAt,
          owner,
          leaseExpiresAt,
          cancelRequested,
          tracked,
          awaitingChildren,
          timeout,
          uniqueKey,
          checkpoint);
    }
  }
}
