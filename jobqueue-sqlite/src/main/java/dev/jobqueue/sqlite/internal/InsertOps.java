package dev.jobqueue.sqlite.internal;

import dev.jobqueue.Job;
import dev.jobqueue.JobStatus;
import dev.jobqueue.spi.DuplicateJobException;
import dev.jobqueue.sql.internal.Json;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The changes that insert jobs: one, one unless its unique key is held, a list all or none. */
final class InsertOps {
  private InsertOps() {}

  static final class Insert extends WriteOp<Void> {
    private final Job job;

    Insert(Job job) {
      this.job = job;
    }

    @Override
    Void execute(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(JobCodec.INSERT);
      JobCodec.bindInsert(ps, job);
      try {
        ps.executeUpdate();
      } catch (SQLException e) {
        // a failed statement is undone on its own; the transaction and batch go on
        if (Faults.code(e) == Faults.CONSTRAINT) {
          UniqueKeys.throwIfHeld(tx, job);
          throw new DuplicateJobException(job.id());
        }
        throw e;
      }
      inserted(tx, job);
      return null;
    }
  }

  /** A job with a unique key, unless an active job holds the key: then the holder is the answer. */
  static final class InsertUnique extends WriteOp<Job> {
    private final Job job;

    InsertUnique(Job job) {
      this.job = job;
    }

    @Override
    Job execute(Tx tx) throws SQLException {
      Job holder = UniqueKeys.holder(tx, job);
      if (holder != null) {
        return holder;
      }
      new Insert(job).execute(tx);
      return job;
    }

    @Override
    boolean changedNothing(Job result) {
      return result != job;
    }
  }

  /**
   * Several new jobs, all or none: a duplicate id (stored already, or twice in the list) deletes
   * again the rows this op inserted before it, so the other changes of the batch still commit.
   * (Those rows did not exist before this op, in this transaction that only the writer uses, so
   * deleting them is an exact undo; cheaper than a savepoint on every batch.)
   */
  static final class InsertAll extends WriteOp<Void> {
    static final String UNDO = "DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?))";

    /**
     * Rows per multi-row INSERT, largest first, each a statement prepared once: a batch of 100 is
     * four statements instead of 100, which saves the per-statement work of the driver and of
     * SQLite (each insert, having a trigger, also opens and closes a statement journal); measured,
     * the insert's share of the writer went from about 20 to 14 us per job.
     */
    private static final int[] CHUNKS = {64, 16, 4};

    private static final String[] CHUNK_SQL = {
      JobCodec.insertRows(64), JobCodec.insertRows(16), JobCodec.insertRows(4)
    };

    private final List<Job> jobs;

    InsertAll(List<Job> jobs) {
      this.jobs = jobs;
    }

    @Override
    int changes() {
      return jobs.size();
    }

    @Override
    Void execute(Tx tx) throws SQLException {
      java.util.Set<String> ids = new java.util.HashSet<>(jobs.size() * 2);
      for (Job j : jobs) {
        if (!ids.add(j.id())) {
          throw new DuplicateJobException(j.id());
        }
      }
      int done = 0;
      try {
        for (int c = 0; c < CHUNKS.length; c++) {
          int rows = CHUNKS[c];
          while (jobs.size() - done >= rows) {
            PreparedStatement chunk = tx.prepare(CHUNK_SQL[c]);
            for (int k = 0; k < rows; k++) {
              JobCodec.bindInsert(chunk, jobs.get(done + k), 1 + k * JobCodec.INSERT_PARAMS);
            }
            chunk.executeUpdate(); // a failed statement is undone on its own, all its rows
            done += rows;
          }
        }
        PreparedStatement one = tx.prepare(JobCodec.INSERT);
        for (; done < jobs.size(); done++) {
          JobCodec.bindInsert(one, jobs.get(done));
          one.executeUpdate();
        }
      } catch (SQLException e) {
        if (Faults.code(e) != Faults.CONSTRAINT) {
          throw e; // the writer rolls the whole batch back
        }
        // an id exists already: take back the rows in so far, then find it row by row below
        undo(tx, done);
        insertOneByOne(tx);
      }
      for (Job j : jobs) {
        inserted(tx, j);
      }
      return null;
    }

    /** Deletes the first {@code n} jobs of the list again (rows this op inserted). */
    private void undo(Tx tx, int n) throws SQLException {
      if (n == 0) {
        return;
      }
      List<String> done = new ArrayList<>(n);
      for (Job d : jobs.subList(0, n)) {
        done.add(d.id());
      }
      PreparedStatement undo = tx.prepare(UNDO);
      undo.setString(1, Json.write(done));
      if (undo.executeUpdate() != n) {
        throw new SQLException("undoing a batch insert deleted an unexpected number of rows");
      }
    }

    /**
     * Inserts row by row; the first id that exists already undoes the rows before it and throws.
     */
    private void insertOneByOne(Tx tx) throws SQLException {
      PreparedStatement ps = tx.prepare(JobCodec.INSERT);
      for (int i = 0; i < jobs.size(); i++) {
        Job j = jobs.get(i);
        JobCodec.bindInsert(ps, j);
        try {
          ps.executeUpdate();
        } catch (SQLException e) {
          if (Faults.code(e) != Faults.CONSTRAINT) {
            throw e; // the writer rolls the whole batch back
          }
          undo(tx, i);
          UniqueKeys.throwIfHeld(tx, j);
          throw new DuplicateJobException(j.id());
        }
      }
    }
  }

  /** Overlay bookkeeping for a row just inserted. */
  static void inserted(Tx tx, Job job) {
    if (job.status() == JobStatus.QUEUED || job.isTerminal()) {
      tx.snapshots.put(job); // read back by the claim (or the purge) that comes for it
    } else {
      tx.snapshots.remove(job.id());
    }
    // a stale entry (say, of a deleted job with this id) must not shadow the new row; without one
    // the row is the truth and there is nothing to do
    if (tx.overlay.entry(job.id()) != null) {
      tx.touch(job.id());
      tx.overlay.restore(job.id(), new Overlay.Entry(job.version(), null, false, 0));
      tx.afterCommit(job.id(), job.version(), job.status());
    }
  }
}
