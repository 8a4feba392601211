-- What the executor needs to run executions (docs/pipelines.md, "Running executions").

-- attempt: the attempt in the current retry budget (1 first; a retry asked for by a user starts a new budget at 1);
-- retry_count (V1) keeps counting every retry. not_before: a pending execution waiting out its retry backoff.
-- gold_records: the rows the gold stage wrote (bronze and silver have theirs since V1).
ALTER TABLE etl_executions ADD COLUMN gold_records bigint;

ALTER TABLE etl_executions ADD COLUMN attempt    integer     NOT NULL DEFAULT 1 CHECK (attempt >= 1),
                           ADD COLUMN not_before timestamptz;

-- The executor's lease on a running execution (who runs it, until when), renewed by its heartbeat while the stages work,
-- and its live progress (the stage running, rows done in it, when that was written: about once a second at most).
-- Change data capture leaves these columns out (deploy/debezium/clp-cdc.properties): the audit trail records what an
-- execution is and how it ended, not one entry per heartbeat or progress write.
ALTER TABLE etl_executions ADD COLUMN lease_owner    varchar(255),
                           ADD COLUMN lease_until    timestamptz,
                           ADD COLUMN heartbeat_at   timestamptz,
                           ADD COLUMN progress_stage varchar(20),
                           ADD COLUMN progress_rows  bigint,
                           ADD COLUMN progress_at    timestamptz,
                           ADD CONSTRAINT ck_etl_executions_lease CHECK ((lease_owner IS NULL) = (lease_until IS NULL));

-- the executor's claim: due pending executions, oldest first
CREATE INDEX idx_etl_executions_due ON etl_executions (coalesce(not_before, created_at)) WHERE status = 'pending';
-- the reaper: running executions by lease expiry
CREATE INDEX idx_etl_executions_lease ON etl_executions (lease_until) WHERE status = 'running';
