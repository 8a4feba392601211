-- Each run of the bronze stage writes its files into a directory of its own; the stage's commit records which one is
-- the execution's bronze (docs/adr/0011-staging-tables.md). NULL: bronze written before, directly in the execution's
-- directory.
ALTER TABLE ingestion_runs ADD COLUMN bronze_attempt uuid;
