package dev.jobqueue.postgres.internal;

import dev.jobqueue.Job;
import dev.jobqueue.spi.UniqueKeyConflictException;
import java.sql.SQLException;

/** A job with a unique key, unless an active job holds the key: then the holder is the answer. */
final class InsertUniqueOp extends WriteOp.JobChange<Job> {
  private final Job job;

  InsertUniqueOp(Job job) {
    this.job = job;
  }

  @Override
  Job execute(Tx tx) throws SQLException {
    // ON CONFLICT DO NOTHING waits for a racing insert of another instance to commit or abort,
    // so of racing calls exactly one inserts
    for (int tries = 0; ; tries++) {
      try {
        InsertOp.insertOne(tx, job);
        return job;
      } catch (UniqueKeyConflictException e) {
        Job holder = InsertOp.holder(tx, job);
        if (holder != null || tries == 3) {
          if (holder == null) {
            throw e;
          }
          return holder;
        }
      }
    }
  }
}
