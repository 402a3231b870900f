-- jobqueue-postgres schema version 4: per-type concurrency limits across instances.
-- A reservation of a limited type counts the jobs of that type that are running or reserved on any
-- instance; this index holds exactly those rows (a reservation's reserved_by stays until the row
-- changes or is released), so the count never reads a type's finished history.
CREATE INDEX ${p}jobs_active_type ON ${t}jobs (type) WHERE status = 'running' OR reserved_by IS NOT NULL;

-- Every change appends an event row: each index on it is paid three times per job. The feed reads
-- by (xid, event_seq) only, and pruning walks the same index (oldest transactions first), so the
-- primary key on event_seq and the index on recorded_at go.
ALTER TABLE ${t}events DROP CONSTRAINT ${p}events_pkey;
DROP INDEX ${t}events_recorded;
