package dev.jobqueue;

import java.util.Locale;

/**
 * The lifecycle states of a job. The status owns its transition table: {@link
 * #canMoveTo(JobStatus)} is the single place that says which moves are legal.
 *
 * <pre>
 * queued ──► running ──► completed
 *    │          ├──────► failed ──(retry)──► queued
 *    └──────────┴──────► cancelled ──(retry)──► queued
 * </pre>
 *
 * A running job may also go back to {@code queued} when an automatic retry is scheduled, or when it
 * is recovered after a crash with policy {@link RecoveryPolicy#REQUEUE}.
 */
public enum JobStatus {
  QUEUED,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used in JSON and in the HTTP API, for example {@code "running"}. */
  public String wireName() {
    return wireName;
  }

  /** True for completed, failed and cancelled: states that change only by an explicit retry. */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** True for queued and running. */
  public boolean isActive() {
    return !isTerminal();
  }

  /** Whether the state machine allows a move from this status to {@code next}. */
  public boolean canMoveTo(JobStatus next) {
    return switch (this) {
      case QUEUED -> next == RUNNING || next == CANCELLED || next == FAILED;
      case RUNNING -> next != RUNNING;
      case COMPLETED -> false;
      case FAILED, CANCELLED -> next == QUEUED;
    };
  }

  /**
   * Parses a wire name such as {@code "running"} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values when {@code name} is not a status
   */
  public static JobStatus fromWireName(String name) {
    if (name != null) {
      for (JobStatus s : values()) {
        if (s.wireName.equalsIgnoreCase(name.trim())) {
          return s;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown status '"
            + name
            + "': expected one of queued, running, completed, failed, cancelled");
  }
}
