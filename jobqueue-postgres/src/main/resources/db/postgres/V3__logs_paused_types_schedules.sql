-- jobqueue-postgres schema version 3: job logs, paused types, recurring schedules.

-- One row per job and attempt holding the attempt's whole bounded log, replaced when the log grows
-- (coalesced like progress); deleted with its job.
CREATE TABLE ${t}job_logs (
  job_id  text    NOT NULL REFERENCES ${t}jobs (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  dropped bigint  NOT NULL,
  lines   text    NOT NULL, -- JSON array of [nanoseconds since the epoch, text]
  PRIMARY KEY (job_id, attempt)
);

-- Paused job types: no instance's workers take a job of these types.
CREATE TABLE ${t}paused_types (
  type text PRIMARY KEY
);

-- Recurring schedules. spec is Schedule.spec(), template the job template as a JSON object
-- (dev.jobqueue.spi.Templates). Firing an occurrence locks the row, compares next_run_at (the
-- occurrence key) and inserts the job in one transaction: once across all instances.
CREATE TABLE ${t}schedules (
  id          text    PRIMARY KEY,
  spec        text    NOT NULL,
  template    text    NOT NULL,
  paused      boolean NOT NULL,
  next_run_at bigint,
  last_run_at bigint,
  last_job_id text,
  version     bigint  NOT NULL
);
