-- jobqueue-postgres schema version 4: per-type concurrency limits across instances.
-- A reservation of a limited type counts the jobs of that type that are running or reserved on any
-- instance; this index holds exactly those rows (a reservation's reserved_by stays until the row
-- changes or is released), so the count never reads a type's finished history.
CREATE INDEX ${p}jobs_active_type ON ${t}jobs (type) WHERE status = 'running' OR reserved_by IS NOT NULL;
