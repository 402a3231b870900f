package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Finds the queued or running job holding a unique key, inside the writer's transaction: the one
 * writer makes "look, then insert" atomic, and the unique index jobs_unique_key (schema V6) stands
 * behind it.
 */
final class UniqueKeys {
  /** Repeats the index's expression and condition word for word, so that SQLite uses it. */
  static final String HOLDER =
      "SELECT "
          + JobCodec.COLUMNS
          + " FROM jobs WHERE coalesce(user_id, x'00') = coalesce(?, x'00') AND unique_key = ?"
          + " AND unique_key IS NOT NULL AND (status = 'queued' OR status = 'running')";

  private UniqueKeys() {}

  /** The active job other than {@code job} holding its key, or null (also for no key). */
  static Job holder(Tx tx, Job job) throws SQLException {
    if (job.uniqueKey() == null) {
      return null;
    }
    PreparedStatement ps = tx.prepare(HOLDER);
    ps.setString(1, job.userId());
    ps.setString(2, job.uniqueKey());
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Job row = JobCodec.read(rs, 1);
        if (!row.id().equals(job.id())) {
          return tx.overlay.newest(row);
        }
      }
    }
    return null;
  }

  /** Throws when {@code job} would be a second active holder of its key. */
  static void throwIfHeld(Tx tx, Job job) throws SQLException {
    if (job.uniqueKey() == null
        || job.status() != JobStatus.QUEUED && job.status() != JobStatus.RUNNING) {
      return;
    }
    Job holder = holder(tx, job);
    if (holder != null) {
      throw new UniqueKeyConflictException(job.uniqueKey(), holder.id());
    }
  }
}
