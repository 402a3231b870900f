-- a migration only the tests know (one above the latest): makes the schema "newer" than the code
ALTER TABLE ${t}jobs ADD COLUMN note text;
