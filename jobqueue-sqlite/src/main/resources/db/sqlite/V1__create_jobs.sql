-- jobqueue-sqlite schema version 1.
-- Timestamps are INTEGER nanoseconds since the epoch (UTC) so that Instants round-trip exactly;
-- booleans are 0/1; lists and maps are JSON text. The rowid "seq" is the insertion order, the
-- FIFO tie-break of claims and listings.

CREATE TABLE jobs (
  seq               INTEGER PRIMARY KEY,
  id                TEXT    NOT NULL UNIQUE,
  type              TEXT    NOT NULL,
  status            TEXT    NOT NULL,
  created_at        INTEGER NOT NULL,
  started_at        INTEGER,
  completed_at      INTEGER,
  updated_at        INTEGER NOT NULL,
  progress          REAL    NOT NULL,
  progress_message  TEXT,
  current_step      INTEGER,
  total_steps       INTEGER,
  title             TEXT    NOT NULL,
  -- lower-cased title (Java Locale.ROOT), so text search matches Unicode case-insensitively
  title_lower       TEXT    NOT NULL,
  description       TEXT,
  parent_job_id     TEXT,
  child_job_ids     TEXT    NOT NULL,
  result            TEXT,
  error             TEXT,
  user_id           TEXT,
  cancelable        INTEGER NOT NULL,
  priority          INTEGER NOT NULL,
  attempt           INTEGER NOT NULL,
  max_attempts      INTEGER NOT NULL,
  depends_on        TEXT    NOT NULL,
  optional          INTEGER NOT NULL,
  eta_seconds       REAL,
  warnings          TEXT    NOT NULL,
  input             TEXT    NOT NULL,
  version           INTEGER NOT NULL,
  run_at            INTEGER,
  owner             TEXT,
  lease_expires_at  INTEGER,
  cancel_requested  INTEGER NOT NULL,
  tracked           INTEGER NOT NULL,
  awaiting_children INTEGER NOT NULL
);

-- Listing newest first: (created_at, rowid) read backwards.
CREATE INDEX jobs_created ON jobs (created_at);
CREATE INDEX jobs_status ON jobs (status, created_at);
CREATE INDEX jobs_type ON jobs (type, created_at);
CREATE INDEX jobs_parent ON jobs (parent_job_id, created_at) WHERE parent_job_id IS NOT NULL;
CREATE INDEX jobs_user ON jobs (user_id, created_at) WHERE user_id IS NOT NULL;

-- The claim path: only runnable candidates, already in claim order (priority desc, then FIFO).
CREATE INDEX jobs_claim ON jobs (priority DESC, seq) WHERE status = 'queued' AND tracked = 0;

-- Running jobs by lease, for lease renewal and orphan detection.
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE status = 'running';

-- Finished jobs by completion time, for purge.
CREATE INDEX jobs_finished ON jobs (coalesce(completed_at, updated_at))
  WHERE status IN ('completed', 'failed', 'cancelled');

-- depends_on as rows, kept in step by triggers: "which jobs wait for X" and the claim's
-- dependency check become index lookups instead of JSON scans.
CREATE TABLE job_deps (
  job_id TEXT NOT NULL,
  dep_id TEXT NOT NULL,
  PRIMARY KEY (job_id, dep_id)
) WITHOUT ROWID;
CREATE INDEX job_deps_dep ON job_deps (dep_id);

CREATE TRIGGER jobs_deps_insert AFTER INSERT ON jobs WHEN new.depends_on <> '[]' BEGIN
  INSERT OR IGNORE INTO job_deps (job_id, dep_id) SELECT new.id, value FROM json_each(new.depends_on);
END;

CREATE TRIGGER jobs_deps_update AFTER UPDATE OF depends_on ON jobs
  WHEN old.depends_on IS NOT new.depends_on BEGIN
  DELETE FROM job_deps WHERE job_id = old.id;
  INSERT OR IGNORE INTO job_deps (job_id, dep_id) SELECT new.id, value FROM json_each(new.depends_on);
END;

CREATE TRIGGER jobs_deps_delete AFTER DELETE ON jobs WHEN old.depends_on <> '[]' BEGIN
  DELETE FROM job_deps WHERE job_id = old.id;
END;
