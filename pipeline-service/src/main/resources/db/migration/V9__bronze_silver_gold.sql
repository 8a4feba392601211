-- The bulk data path of executions (docs/adr/0011-staging-tables.md, docs/pipelines.md "Bronze, silver and gold").
-- Per-execution staging tables (stg_<execution>_*) are made at run time, unlogged and without row-level security;
-- the tables below are the logged, org-scoped record of what each execution read, refused and produced.

-- One row per source object an execution read into bronze (seed 004's ingestion_logs, per execution and object).
CREATE TABLE ingestion_logs (
    id                 uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id             uuid          NOT NULL,
    pipeline_id        uuid          NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    execution_id       uuid          NOT NULL REFERENCES etl_executions (id) ON DELETE CASCADE,
    object_no          integer       NOT NULL,
    file_name          varchar(1024) NOT NULL,
    object_version     varchar(255),
    run_date           date,
    status             varchar(20)   NOT NULL CHECK (status IN ('success', 'failed')),
    message            text,
    size_bytes         bigint        NOT NULL DEFAULT 0,
    sha256             char(64),
    header             text[]        NOT NULL DEFAULT '{}',
    records_loaded     bigint        NOT NULL DEFAULT 0,
    records_failed     bigint        NOT NULL DEFAULT 0,
    source_modified_at timestamptz,
    started_at         timestamptz   NOT NULL,
    finished_at        timestamptz,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (execution_id, object_no)
);
CREATE INDEX idx_ingestion_logs_pipeline ON ingestion_logs (pipeline_id, started_at DESC);
CREATE INDEX idx_ingestion_logs_org ON ingestion_logs (org_id);
SELECT clp_enable_tenant_isolation('ingestion_logs');

-- Rows silver refused, with their reasons (bulk: excluded from change data capture and the audit trail).
CREATE TABLE ingestion_rejects (
    execution_id uuid        NOT NULL REFERENCES etl_executions (id) ON DELETE CASCADE,
    org_id       uuid        NOT NULL,
    object_no    integer     NOT NULL,
    line_no      bigint      NOT NULL,
    reasons      text        NOT NULL,
    raw_line     text,
    PRIMARY KEY (execution_id, object_no, line_no)
);
CREATE INDEX idx_ingestion_rejects_org ON ingestion_rejects (org_id);
SELECT clp_enable_tenant_isolation('ingestion_rejects');

-- Gold: daily metrics per pipeline, level, entity and day (bulk: excluded from change data capture and the audit
-- trail). An execution replaces its pipeline's rows of its window (a restatement), and publishes them as
-- MetricsBatch events in the same transaction.
-- pipeline_id has no foreign key: its check would run once per row of a million-row load, for the same pipeline every
-- time; gold locks its pipeline's row (FOR KEY SHARE) once per execution instead, and the trigger below removes the
-- rows of a deleted pipeline.
CREATE TABLE gold_daily_metrics (
    pipeline_id  uuid           NOT NULL,
    level        varchar(20)    NOT NULL CHECK (level IN ('campaign', 'insertion_order', 'line_item', 'creative')),
    entity_id    uuid           NOT NULL,
    metric_date  date           NOT NULL,
    org_id       uuid           NOT NULL,
    execution_id uuid           NOT NULL,
    extracted_at timestamptz    NOT NULL,
    impressions  bigint         NOT NULL DEFAULT 0,
    clicks       bigint         NOT NULL DEFAULT 0,
    conversions  bigint         NOT NULL DEFAULT 0,
    views        bigint         NOT NULL DEFAULT 0,
    spend        numeric(20, 6),
    currency     char(3),
    revenue      numeric(20, 6),
    updated_at   timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline_id, level, entity_id, metric_date)
);
CREATE INDEX idx_gold_daily_metrics_execution ON gold_daily_metrics (execution_id);
-- The standard tenant isolation (clp_org_visible(org_id): the service itself, or the organizations in scope), written
-- so that the scope is read once per statement: each uncorrelated sub-select is an InitPlan, and a row costs one
-- comparison. clp_org_visible(org_id) re-reads and re-parses the settings for every row, which made a gold load of a
-- million rows spend most of its time in the policy (its insert checks, and the update's read and check on conflict).
ALTER TABLE gold_daily_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE gold_daily_metrics FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gold_daily_metrics
    USING ((SELECT clp_system_scope())
           OR org_id = ANY ((SELECT string_to_array(NULLIF(current_setting('clp.org_ids', true), ''), ',')::uuid[])::uuid[]))
    WITH CHECK ((SELECT clp_system_scope())
                OR org_id = ANY ((SELECT string_to_array(NULLIF(current_setting('clp.org_ids', true), ''), ',')::uuid[])::uuid[]));

CREATE FUNCTION gold_daily_metrics_of_deleted_pipeline() RETURNS trigger LANGUAGE plpgsql
SET search_path = pipeline, pg_catalog AS $$
BEGIN
    DELETE FROM gold_daily_metrics WHERE pipeline_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER gold_daily_metrics_of_deleted_pipeline AFTER DELETE ON pipelines
    FOR EACH ROW EXECUTE FUNCTION gold_daily_metrics_of_deleted_pipeline();

-- What the data path of an execution keeps between its stages, beyond the staging tables: when bronze read the
-- source (the extractedAt of its metrics batches) and the data-quality outcome gold publishes.
CREATE TABLE ingestion_runs (
    execution_id       uuid          PRIMARY KEY REFERENCES etl_executions (id) ON DELETE CASCADE,
    org_id             uuid          NOT NULL,
    pipeline_id        uuid          NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    format             varchar(20)   NOT NULL CHECK (format IN ('media_file', 'dsp_report')),
    extracted_at       timestamptz   NOT NULL,
    bronze_rows        bigint        NOT NULL DEFAULT 0,
    bronze_bytes       bigint        NOT NULL DEFAULT 0,
    quality_score      numeric(5, 2),
    has_data_issues    boolean,
    blocked_by         varchar(128),
    finished_at        timestamptz,
    staging_dropped_at timestamptz
);
CREATE INDEX idx_ingestion_runs_org ON ingestion_runs (org_id);
SELECT clp_enable_tenant_isolation('ingestion_runs');
