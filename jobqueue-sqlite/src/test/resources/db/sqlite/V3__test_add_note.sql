-- A migration that exists only on the test classpath: plays "the next version" in MigrationsTest.
ALTER TABLE jobs ADD COLUMN note TEXT;
CREATE INDEX jobs_note ON jobs (note) WHERE note IS NOT NULL;
