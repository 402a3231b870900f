-- jobqueue-sqlite schema version 3: the purge index's condition without IN.
-- SQLite evaluates a partial index's WHERE on every insert, update and delete of a row, and codes
-- an IN list of three or more values by building a temporary table, once per row written: on the
-- writer's hot path, twice per status change. The same condition as comparisons costs nothing.
-- The purge's queries repeat this condition word for word, so that they can use the index.
DROP INDEX IF EXISTS jobs_finished;
CREATE INDEX jobs_finished ON jobs (coalesce(completed_at, updated_at))
  WHERE (status = 'completed' OR status = 'failed' OR status = 'cancelled');
