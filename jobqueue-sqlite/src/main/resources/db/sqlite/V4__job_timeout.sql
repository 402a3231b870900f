-- jobqueue-sqlite schema version 4.
-- Per-job timeout (managed: per attempt; tracked: inactivity), milliseconds; null: the type's default.
ALTER TABLE jobs ADD COLUMN timeout_ms INTEGER;
