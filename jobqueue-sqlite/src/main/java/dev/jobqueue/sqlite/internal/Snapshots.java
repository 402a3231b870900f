package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's memory of snapshots it wrote itself, so that the rows it reads back soon after
 * (a claim reads the queued jobs just inserted, a purge the jobs just finished) need not be
 * decoded column by column. An entry is used only when the row's version equals the snapshot's:
 * every change of a row raises its version, except a lease renewal, which touches running rows
 * only, and those are never taken from here. Bounded: the oldest entries go first. Writer thread
 * only; cleared on rollback.
 */
final class Snapshots {
  static final int MAX = 32_768;

  private final Map<String, Job> byId = new LinkedHashMap<>(1024, 0.75f, false) {
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

  /**
   * The job of the current row, whose {@link JobCodec#COLUMNS} start at {@code first}: the
   * remembered snapshot when it has the row's version, else decoded from the row.
   */
  Job read(ResultSet rs, int first) throws SQLException {
    Job known = byId.get(rs.getString(first + JobCodec.ID_COLUMN));
    if (known != null && known.version() == rs.getLong(first + JobCodec.VERSION_COLUMN)) {
      return known;
    }
    return JobCodec.read(rs, first);
  }

  int size() {
    return byId.size();
  }
}
