package dev.jobqueue;

import java.util.List;

/**
 * New log lines of a running attempt, as {@link JobLogListener}s receive them.
 *
 * @param job the job's snapshot as the attempt knows it (for its id, user and parent)
 * @param attempt the attempt that wrote them
 * @param lines the lines written since the previous event of this attempt, oldest first (when a
 *     handler writes faster than the bounds of {@link JobLog}, only the newest are delivered)
 * @param dropped the attempt's count of dropped earlier lines so far, as in {@link
 *     JobLog#dropped()}
 * @param written how many lines the attempt has written so far: the last of {@code lines} is line
 *     number {@code written} (counting from 1), so a client that also read the {@link JobLog}
 *     (whose first line is number {@code dropped + 1}) can tell the lines it has from new ones
 */
public record JobLogEvent(
    Job job, int attempt, List<JobLogLine> lines, long dropped, long written) {
  public JobLogEvent {
    lines = List.copyOf(lines);
  }

  public String jobId() {
    return job.id();
  }
}
