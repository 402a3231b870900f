package dev.jobqueue;

import java.time.Instant;
import java.util.Objects;

/**
 * A recurring job as stored: {@link JobQueue#schedule} makes one, every queue sharing the store
 * submits a job from {@code template} at each occurrence of {@code schedule}, exactly once.
 *
 * @param id the host's name for it, unique per store, for example {@code "nightly-cleanup"}
 * @param schedule when it fires
 * @param template the job each occurrence submits (its user is the schedule's user)
 * @param paused a paused schedule submits nothing; resuming goes on from the next occurrence
 * @param nextRunAt the next occurrence, or null when the schedule never fires again
 * @param lastRunAt the occurrence that last submitted a job, or null
 * @param lastJobId the job that occurrence submitted, or null
 * @param version +1 on every change; stores change it with compare-and-set
 */
public record RecurringSchedule(
    String id,
    Schedule schedule,
    JobRequest template,
    boolean paused,
    Instant nextRunAt,
    Instant lastRunAt,
    String lastJobId,
    long version) {

  /** Longest accepted schedule id, in characters. */
  public static final int MAX_ID_LENGTH = 200;

  public RecurringSchedule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(template, "template");
    if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "a schedule id must be 1 to "
              + MAX_ID_LENGTH
              + " characters, not blank; got '"
              + id
              + "'");
    }
  }

  /** The user whose jobs it submits (the template's), or null. */
  public String userId() {
    return template.userId();
  }
}
