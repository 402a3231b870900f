-- jobqueue-postgres schema version 5: one index for the running and reserved jobs.
-- A status change writes a new row version, with an entry in every index whose condition the
-- version meets; index upkeep was the largest part of a change's cost. The lease, owner and
-- reservation indexes each held a subset of the rows jobs_active_type holds (running, or reserved),
-- and those are few: at most the workers and reservations of all instances. Renewal, rescue and
-- release now find them there, so a running version costs one partial index entry, not three.
DROP INDEX ${t}jobs_lease;
DROP INDEX ${t}jobs_owner;
DROP INDEX ${t}jobs_reserved;
