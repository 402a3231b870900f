package dev.jobqueue.postgres.internal;

import dev.jobqueue.sql.internal.LogBuffer;
import dev.jobqueue.sql.internal.LogLines;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** The shared {@link LogBuffer}, written by this store's writer at most once per flush interval. */
final class PendingLogs extends LogBuffer {
  /** Writes pending logs in the writer's transaction. */
  static final class Flush extends WriteOp.JobChange<Void> {
    private final PendingLogs logs;
    private final Entry entry;

    Flush(PendingLogs logs, Entry entry) {
      this.logs = logs;
      this.entry = entry;
    }

    @Override
    Void execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(tx.sql.upsertLog);
      LogLines.bindUpsert(ps, entry.log());
      ps.executeUpdate();
      tx.afterCommit(() -> logs.written(entry));
      return null;
    }
  }
}
