package dev.jobqueue.sqlite.internal;

import dev.jobqueue.sql.internal.LogBuffer;
import dev.jobqueue.sql.internal.LogLines;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The shared {@link LogBuffer}, written by this store's writer with its own upsert. */
final class PendingLogs extends LogBuffer {
  /** Writes a log unless its job is gone: a log never outlives, or comes back after, its job. */
  static final String UPSERT =
      "INSERT OR REPLACE INTO job_logs (job_id, attempt, dropped, lines)"
          + " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?)";

  /** Writes one in the writer's transaction. */
  static void write(Tx tx, Entry e) throws SQLException {
    PreparedStatement ps = tx.prepare(UPSERT);
    LogLines.bindUpsert(ps, e.log());
    ps.executeUpdate();
  }
}
