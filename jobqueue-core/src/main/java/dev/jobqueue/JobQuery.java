package dev.jobqueue;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * A filter over jobs; results are ordered newest first. Null fields match everything. Built with
 * {@link #builder()}; {@link #all()} matches every job up to {@link #MAX_LIMIT}.
 *
 * @param statuses statuses to match, empty for all
 * @param type exact type
 * @param parentJobId exact parent id
 * @param userId exact owner
 * @param text case-insensitive substring of the title
 * @param dependsOn jobs whose depends_on contains this id
 * @param limit 1..{@link #MAX_LIMIT}
 */
public record JobQuery(
    Set<JobStatus> statuses,
    String type,
    String parentJobId,
    String userId,
    String text,
    String dependsOn,
    int limit) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1_000_000;

  public JobQuery {
    statuses =
        statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (text != null && text.isEmpty()) {
      text = null;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every job (up to {@link #MAX_LIMIT}). */
  public static JobQuery all() {
    return builder().limit(MAX_LIMIT).build();
  }

  /** Whether {@code job} passes every filter of this query (the limit aside). */
  public boolean matches(Job job) {
    return (statuses.isEmpty() || statuses.contains(job.status()))
        && (type == null || type.equals(job.type()))
        && (parentJobId == null || parentJobId.equals(job.parentJobId()))
        && (userId == null || userId.equals(job.userId()))
        && (dependsOn == null || job.dependsOn().contains(dependsOn))
        && (text == null
            || job.title()
                .toLowerCase(java.util.Locale.ROOT)
                .contains(text.toLowerCase(java.util.Locale.ROOT)));
  }

  /** A copy of this query with another user filter (used to scope queries to one user). */
  public JobQuery withUserId(String user) {
    return new JobQuery(statuses, type, parentJobId, user, text, dependsOn, limit);
  }

  /** Made by {@link JobQuery#builder()}. */
  public static final class Builder {
    private final EnumSet<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    private String type;
    private String parentJobId;
    private String userId;
    private String text;
    private String dependsOn;
    private int limit = DEFAULT_LIMIT;

    private Builder() {}

    public Builder status(JobStatus... s) {
      statuses.addAll(java.util.List.of(s));
      return this;
    }

    public Builder statuses(Collection<JobStatus> s) {
      statuses.addAll(s);
      return this;
    }

    public Builder type(String v) {
      type = v;
      return this;
    }

    public Builder parentJobId(String v) {
      parentJobId = v;
      return this;
    }

    public Builder userId(String v) {
      userId = v;
      return this;
    }

    /** Case-insensitive substring of the title. */
    public Builder text(String v) {
      text = v;
      return this;
    }

    public Builder dependsOn(String jobId) {
      dependsOn = jobId;
      return this;
    }

    public Builder limit(int v) {
      limit = v;
      return this;
    }

    public JobQuery build() {
      return new JobQuery(statuses, type, parentJobId, userId, text, dependsOn, limit);
    }
  }
}
