package dev.jobqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * One line a handler wrote with {@link JobContext#log(String)}.
 *
 * @param at when it was written (the queue's clock)
 * @param text the line, at most {@link JobLog#MAX_LINE_CHARS} characters (longer ones are cut)
 */
public record JobLogLine(Instant at, String text) {
  public JobLogLine {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(text, "text");
  }
}
