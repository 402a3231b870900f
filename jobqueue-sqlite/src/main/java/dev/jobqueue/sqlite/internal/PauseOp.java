package dev.jobqueue.sqlite.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Pauses or resumes a job type: a row in {@code paused_types}, written by the writer. */
final class PauseOp extends WriteOp<Void> {
  private final String type;
  private final boolean paused;

  PauseOp(String type, boolean paused) {
    this.type = type;
    this.paused = paused;
  }

  @Override
  Void execute(Tx tx) throws SQLException {
    PreparedStatement ps =
        tx.prepare(
            paused
                ? "INSERT OR IGNORE INTO paused_types (type) VALUES (?)"
                : "DELETE FROM paused_types WHERE type = ?");
    ps.setString(1, type);
    ps.executeUpdate();
    return null;
  }
}
