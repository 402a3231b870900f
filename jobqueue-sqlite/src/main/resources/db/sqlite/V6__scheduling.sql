-- jobqueue-sqlite schema version 6: unique keys, checkpoints and recurring schedules.

-- Set at insert, never changed.
ALTER TABLE jobs ADD COLUMN unique_key TEXT;
-- The handler's last saved state (JSON object), kept across attempts.
ALTER TABLE jobs ADD COLUMN checkpoint TEXT;

-- At most one queued or running job per user and unique key: the database decides between racing
-- submits. A NULL user is one user of its own (x'00' is a blob, equal to no text user id). The
-- lookup of the holder repeats this expression and condition word for word, to use the index.
CREATE UNIQUE INDEX jobs_unique_key ON jobs (coalesce(user_id, x'00'), unique_key)
  WHERE unique_key IS NOT NULL AND (status = 'queued' OR status = 'running');

-- Recurring schedules. spec is Schedule.spec() ("cron <zone> <fields>" or "every <duration>"),
-- template the job template as a JSON object (dev.jobqueue.spi.Templates). Firing an occurrence
-- compares next_run_at (the occurrence key) and inserts the job in one transaction.
CREATE TABLE schedules (
  id          TEXT    PRIMARY KEY,
  spec        TEXT    NOT NULL,
  template    TEXT    NOT NULL,
  paused      INTEGER NOT NULL,
  next_run_at INTEGER,
  last_run_at INTEGER,
  last_job_id TEXT,
  version     INTEGER NOT NULL
) WITHOUT ROWID;
