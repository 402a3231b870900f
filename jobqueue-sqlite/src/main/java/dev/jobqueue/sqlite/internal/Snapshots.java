package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's memory of snapshots it wrote itself, so that the rows it reads back soon after (a
 * claim reads the queued jobs just inserted, a purge the jobs just finished) need not be decoded
 * column by column. An entry is used only when the row's version equals the snapshot's: every
 * change of a row raises its version, except a lease renewal, which touches running rows only, and
 * those are never taken from here. Bounded: the oldest entries go first. Writer thread only;
 * cleared on rollback.
 */
final class Snapshots {
  static final int MAX = 32_768;

  private final Map<String, Job> byId =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Job> eldest) {
          return size() > MAX;
        }
      };

  void put(Job job) {
    byId.remove(job.id()); // re-inserted, so it counts as new for eviction
    byId.put(job.id(), job);
  }

  void remove(String id) {
    byId.remove(id);
  }

  void clear() {
    byId.clear();
  }

  /** The remembered snapshot of {@code id} when it has {@code version}, else null. */
  Job known(String id, long version) {
    Job known = byId.get(id);
    return known != null && known.version() == version ? known : null;
  }

  /**
   * Reads the rows of a statement selecting {@code seq, id, version} into {@code into} (seq to
   * job), in order and each once: from memory when a snapshot has the row's version, else decoded
   * from the whole row afterwards. SQLite then extracts three columns per row, not all of them.
   */
  void readAll(java.sql.PreparedStatement heads, Tx tx, Map<Long, Job> into) throws SQLException {
    java.util.List<Long> missing = null;
    try (ResultSet rs = heads.executeQuery()) {
      while (rs.next()) {
        long seq = rs.getLong(1);
        if (into.containsKey(seq)) {
          continue;
        }
        Job known = known(rs.getString(2), rs.getLong(3));
        into.put(seq, known);
        if (known == null) {
          if (missing == null) {
            missing = new java.util.ArrayList<>();
          }
          missing.add(seq);
        }
      }
    }
    if (missing != null) {
      java.sql.PreparedStatement row = tx.prepare(Tx.ROW_BY_SEQ);
      for (long seq : missing) {
        row.setLong(1, seq);
        try (ResultSet rs = row.executeQuery()) {
          if (!rs.next()) {
            throw new SQLException("row " + seq + " disappeared inside the writer's transaction");
          }
          into.put(seq, JobCodec.read(rs, 1));
        }
      }
    }
  }

  int size() {
    return byId.size();
  }
}
