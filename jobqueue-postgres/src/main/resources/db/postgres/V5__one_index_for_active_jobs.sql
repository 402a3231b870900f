-- jobqueue-postgres schema version 5: one partial index for the running and reserved jobs.
-- A status change writes a new row version, with an entry in every index whose condition the
-- version meets; index upkeep was the largest part of a change's cost. The lease, owner, reservation
-- and active-by-type indexes each held running or reserved rows, and those are few: at most the
-- workers and reservations of all instances. One index of exactly those rows, by lease deadline,
-- serves them all: the rescuer's search for expired leases reads it in deadline order; renewal,
-- release and the count of a limited type's active jobs read its few rows. A running version now
-- costs one partial index entry, not four.
DROP INDEX ${t}jobs_lease;
DROP INDEX ${t}jobs_owner;
DROP INDEX ${t}jobs_reserved;
DROP INDEX ${t}jobs_active_type;
CREATE INDEX ${p}jobs_active ON ${t}jobs (lease_deadline) WHERE status = 'running' OR reserved_by IS NOT NULL;
