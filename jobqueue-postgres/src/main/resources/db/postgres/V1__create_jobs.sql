-- jobqueue-postgres schema version 1. ${t} stands for the schema and table prefix chosen in the
-- builder (for example "public.jobqueue_").
-- Snapshot timestamps are bigint nanoseconds since the epoch (UTC), as in the SQLite store, so a
-- snapshot round-trips exactly (timestamptz keeps microseconds). The columns that decide who may
-- run a job (lease_deadline, reserved_until) are timestamptz on the database clock: every instance
-- compares them with the same clock, whatever its own clock says.

CREATE TABLE ${t}jobs (
  seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                text             NOT NULL UNIQUE,
  type              text             NOT NULL,
  status            text             NOT NULL,
  created_at        bigint           NOT NULL,
  started_at        bigint,
  completed_at      bigint,
  updated_at        bigint           NOT NULL,
  progress          double precision NOT NULL,
  progress_message  text,
  current_step      integer,
  total_steps       integer,
  title             text             NOT NULL,
  -- lower-cased title (Java Locale.ROOT), so text search matches as JobQuery.matches does
  title_lower       text             NOT NULL,
  description       text,
  parent_job_id     text,
  child_job_ids     text             NOT NULL,
  result            text,
  error             text,
  user_id           text,
  cancelable        boolean          NOT NULL,
  priority          integer          NOT NULL,
  attempt           integer          NOT NULL,
  max_attempts      integer          NOT NULL,
  depends_on        text[]           NOT NULL,
  optional          boolean          NOT NULL,
  eta_seconds       double precision,
  warnings          text             NOT NULL,
  input             text             NOT NULL,
  version           bigint           NOT NULL,
  run_at            bigint,
  owner             text,
  lease_expires_at  bigint,
  cancel_requested  boolean          NOT NULL,
  tracked           boolean          NOT NULL,
  awaiting_children boolean          NOT NULL,
  timeout_ms        bigint,
  -- set at insert, never changed
  unique_key        text,
  -- the handler's last saved state (JSON object), kept across attempts
  checkpoint        text,
  -- database clock: when the running job's lease lapses unless its owner renews it
  lease_deadline    timestamptz,
  -- a queued job fetched ahead by an instance: it stays queued, no other instance takes it
  reserved_by       text,
  reserved_until    timestamptz
);

CREATE INDEX ${p}jobs_created ON ${t}jobs (created_at, seq);
CREATE INDEX ${p}jobs_status ON ${t}jobs (status, created_at);
CREATE INDEX ${p}jobs_type ON ${t}jobs (type, created_at);
CREATE INDEX ${p}jobs_parent ON ${t}jobs (parent_job_id, created_at) WHERE parent_job_id IS NOT NULL;
CREATE INDEX ${p}jobs_user ON ${t}jobs (user_id, created_at) WHERE user_id IS NOT NULL;
CREATE INDEX ${p}jobs_depends_on ON ${t}jobs USING gin (depends_on) WHERE depends_on <> '{}';

-- Runnable candidates only, already in claim order (priority desc, then FIFO).
CREATE INDEX ${p}jobs_runnable ON ${t}jobs (priority DESC, seq)
  WHERE status = 'queued' AND NOT tracked;

-- Running jobs by lease: renewal by owner, and the rescuer's search for expired leases.
CREATE INDEX ${p}jobs_lease ON ${t}jobs (lease_deadline) WHERE status = 'running';
CREATE INDEX ${p}jobs_owner ON ${t}jobs (owner) WHERE status = 'running';

-- Reservations of an instance, for renewal and release.
CREATE INDEX ${p}jobs_reserved ON ${t}jobs (reserved_by) WHERE reserved_by IS NOT NULL;

-- At most one queued or running job per user and unique key: the database decides between racing
-- submits of every instance. A null user is one user of its own (the second column tells it from
-- the user '').
CREATE UNIQUE INDEX ${p}jobs_unique_key ON ${t}jobs (coalesce(user_id, ''), (user_id IS NULL), unique_key)
  WHERE unique_key IS NOT NULL AND status IN ('queued', 'running');

-- Finished jobs by completion time, for purge.
CREATE INDEX ${p}jobs_finished ON ${t}jobs ((coalesce(completed_at, updated_at)))
  WHERE status IN ('completed', 'failed', 'cancelled');
