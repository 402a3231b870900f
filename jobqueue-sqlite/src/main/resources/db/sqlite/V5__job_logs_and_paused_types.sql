-- jobqueue-sqlite schema version 5.
-- Job logs: one row per job and attempt holding the attempt's whole bounded log, replaced when the
-- log grows (coalesced like progress); deleted with the job.
CREATE TABLE job_logs (
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  lines TEXT NOT NULL, -- JSON array of [nanoseconds since the epoch, text]
  PRIMARY KEY (job_id, attempt)
) WITHOUT ROWID;

CREATE TRIGGER jobs_logs_delete AFTER DELETE ON jobs BEGIN
  DELETE FROM job_logs WHERE job_id = old.id;
END;

-- Paused job types: workers take no job of these types.
CREATE TABLE paused_types (
  type TEXT PRIMARY KEY
) WITHOUT ROWID;
