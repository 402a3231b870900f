-- jobqueue-sqlite schema version 2: the lease index goes.
-- A SQLite store is never shared, so the queue does not look for expired leases; the two
-- statements that read leases (renewal and expiredLeases) find running jobs through jobs_status,
-- and running jobs are few. Every claim and every completion no longer updates this index.
DROP INDEX IF EXISTS jobs_lease;
