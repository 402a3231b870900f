-- jobqueue-postgres schema version 2: the change feed.
-- Every committed change of a job appends its new snapshot here, in the transaction that makes it;
-- every instance reads the rows of the others with a cursor (xid, event_seq), taking only rows whose
-- transaction id is below the oldest transaction still running (pg_snapshot_xmin). Identity values
-- are handed out before commit and transactions commit in any order, so a plain "event_seq > last"
-- cursor could pass over a row that commits later; no transaction below xmin can commit any more.
CREATE TABLE ${t}events (
  event_seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  xid               xid8             NOT NULL DEFAULT pg_current_xact_id(),
  recorded_at       timestamptz      NOT NULL DEFAULT now(),
  -- the store instance that made the change: it does not read its own changes back
  origin            text             NOT NULL,
  kind              text             NOT NULL,
  status_changed    boolean          NOT NULL,
  id                text             NOT NULL,
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
  unique_key        text,
  checkpoint        text
);

CREATE INDEX ${p}events_cursor ON ${t}events (xid, event_seq);
CREATE INDEX ${p}events_recorded ON ${t}events (recorded_at);
