package dev.jobqueue;

import java.util.List;
import java.util.Objects;

/**
 * The log of one attempt of a job: the newest lines its handler wrote, bounded to {@link
 * #MAX_LINES} lines and {@link #MAX_CHARS} characters; older lines are dropped and counted.
 *
 * @param jobId the job
 * @param attempt the attempt (1 for the first run, 2 for the first retry, ...)
 * @param lines the kept lines, oldest first
 * @param dropped how many earlier lines of this attempt were dropped to stay within the bounds
 */
public record JobLog(String jobId, int attempt, List<JobLogLine> lines, long dropped) {
  /** Most lines kept per attempt. */
  public static final int MAX_LINES = 500;

  /** Most characters kept per attempt (all kept lines together). */
  public static final int MAX_CHARS = 64 * 1024;

  /** Longer lines are cut to this many characters. */
  public static final int MAX_LINE_CHARS = 2_000;

  public JobLog {
    Objects.requireNonNull(jobId, "jobId");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
    if (dropped < 0) {
      throw new IllegalArgumentException("dropped must not be negative, got " + dropped);
    }
    lines = List.copyOf(lines);
  }

  /** "n earlier lines dropped" when lines were dropped, else null. */
  public String droppedMarker() {
    return dropped == 0
        ? null
        : dropped + (dropped == 1 ? " earlier line" : " earlier lines") + " dropped";
  }
}
