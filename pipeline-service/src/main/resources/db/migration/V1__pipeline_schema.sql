-- pipeline-service: templates, pipelines, executions, data-quality metrics (seed 000).
-- org_id, created_by and dsp_account_id belong to other services: plain, indexed columns.

CREATE TYPE dsp_type AS ENUM ('dv360', 'ttd', 'meta', 'amazon', 'google_ads');

CREATE TABLE templates (
    id                  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name                varchar(255)  NOT NULL,
    description         text,
    category            varchar(100),
    template_type       varchar(50)   NOT NULL,
    dsp_type            dsp_type,
    config              jsonb         NOT NULL DEFAULT '{}'::jsonb,
    default_params      jsonb         NOT NULL DEFAULT '{}'::jsonb,
    required_inputs     jsonb         NOT NULL DEFAULT '[]'::jsonb,
    optional_inputs     jsonb         NOT NULL DEFAULT '[]'::jsonb,
    is_public           boolean       NOT NULL DEFAULT false,
    created_by          uuid,
    org_id              uuid,
    usage_count         integer       NOT NULL DEFAULT 0,
    satisfaction_rating numeric(3, 2) CHECK (satisfaction_rating IS NULL OR satisfaction_rating BETWEEN 0 AND 5),
    version             integer       NOT NULL DEFAULT 1,
    parent_template_id  uuid          REFERENCES templates (id) ON DELETE SET NULL,
    is_active           boolean       NOT NULL DEFAULT true,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX idx_templates_org ON templates (org_id);
CREATE INDEX idx_templates_created_by ON templates (created_by);
CREATE INDEX idx_templates_parent ON templates (parent_template_id);
CREATE INDEX idx_templates_public ON templates (template_type) WHERE is_public AND is_active;

-- Read model of campaign-service's DSP accounts, fed by its events (pipelines point at accounts).
CREATE TABLE dsp_account_refs (
    id           uuid         PRIMARY KEY,
    org_id       uuid         NOT NULL,
    dsp_type     dsp_type     NOT NULL,
    display_name varchar(255),
    is_active    boolean      NOT NULL DEFAULT true,
    updated_at   timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX idx_dsp_account_refs_org ON dsp_account_refs (org_id);

CREATE TABLE pipelines (
    id                        uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id                    uuid         NOT NULL,
    name                      varchar(255) NOT NULL,
    description               text,
    dsp_account_id            uuid,
    template_id               uuid         REFERENCES templates (id) ON DELETE SET NULL,
    connector_type            varchar(50),
    schedule_type             varchar(20)  NOT NULL DEFAULT 'manual'
                                           CHECK (schedule_type IN ('cron', 'interval', 'manual')),
    schedule_cron             varchar(100),
    schedule_interval_minutes integer      CHECK (schedule_interval_minutes IS NULL OR schedule_interval_minutes > 0),
    schedule_timezone         varchar(64)  NOT NULL DEFAULT 'UTC',
    config                    jsonb        NOT NULL DEFAULT '{}'::jsonb,
    retry_config              jsonb        NOT NULL DEFAULT '{}'::jsonb,
    status                    varchar(20)  NOT NULL DEFAULT 'draft'
                                           CHECK (status IN ('active', 'paused', 'failed', 'draft')),
    is_active                 boolean      NOT NULL DEFAULT true,
    last_execution_id         uuid,
    last_run_at               timestamptz,
    last_run_status           varchar(20),
    next_run_at               timestamptz,
    total_executions          integer      NOT NULL DEFAULT 0,
    successful_executions     integer      NOT NULL DEFAULT 0,
    failed_executions         integer      NOT NULL DEFAULT 0,
    created_by                uuid,
    created_at                timestamptz  NOT NULL DEFAULT now(),
    updated_at                timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uq_pipelines_org_name UNIQUE (org_id, name)
);
CREATE INDEX idx_pipelines_org ON pipelines (org_id);
CREATE INDEX idx_pipelines_dsp_account ON pipelines (dsp_account_id);
CREATE INDEX idx_pipelines_template ON pipelines (template_id);
CREATE INDEX idx_pipelines_created_by ON pipelines (created_by);
CREATE INDEX idx_pipelines_next_run ON pipelines (next_run_at)
    WHERE is_active = true AND next_run_at IS NOT NULL;
CREATE INDEX idx_pipelines_active ON pipelines (org_id, is_active) WHERE is_active = true;

CREATE TABLE etl_executions (
    id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    pipeline_id             uuid        NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    org_id                  uuid        NOT NULL,
    execution_type          varchar(20) NOT NULL DEFAULT 'scheduled',
    status                  varchar(20) NOT NULL DEFAULT 'pending'
                                        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    bronze_status           varchar(20),
    bronze_records          bigint,
    bronze_size_bytes       bigint,
    bronze_duration_ms      integer,
    silver_status           varchar(20),
    silver_records          bigint,
    silver_records_filtered bigint,
    silver_duration_ms      integer,
    gold_status             varchar(20),
    gold_tables_updated     jsonb       NOT NULL DEFAULT '[]'::jsonb,
    gold_duration_ms        integer,
    total_records_processed bigint      NOT NULL DEFAULT 0,
    total_records_failed    bigint      NOT NULL DEFAULT 0,
    total_duration_ms       integer,
    config                  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    error_message           text,
    error_details           jsonb,
    retry_count             integer     NOT NULL DEFAULT 0,
    workflow_id             varchar(255),
    run_id                  varchar(255),
    scheduled_at            timestamptz,
    started_at              timestamptz,
    completed_at            timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_etl_executions_pipeline ON etl_executions (pipeline_id, created_at DESC);
CREATE INDEX idx_etl_executions_org ON etl_executions (org_id);
CREATE INDEX idx_etl_executions_running ON etl_executions (status) WHERE status IN ('pending', 'running');

CREATE TABLE data_quality_metrics (
    id              uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    execution_id    uuid         NOT NULL REFERENCES etl_executions (id) ON DELETE CASCADE,
    pipeline_id     uuid         NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    org_id          uuid         NOT NULL,
    layer           varchar(20)  NOT NULL CHECK (layer IN ('bronze', 'silver', 'gold')),
    metric_type     varchar(50)  NOT NULL,
    metric_name     varchar(255) NOT NULL,
    check_count     integer      NOT NULL DEFAULT 0,
    pass_count      integer      NOT NULL DEFAULT 0,
    fail_count      integer      NOT NULL DEFAULT 0,
    severity        varchar(20)  NOT NULL DEFAULT 'info',
    details         jsonb        NOT NULL DEFAULT '{}'::jsonb,
    sample_failures jsonb        NOT NULL DEFAULT '[]'::jsonb,
    measured_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX idx_data_quality_metrics_execution ON data_quality_metrics (execution_id);
CREATE INDEX idx_data_quality_metrics_pipeline ON data_quality_metrics (pipeline_id);
CREATE INDEX idx_data_quality_metrics_org ON data_quality_metrics (org_id);
CREATE INDEX idx_data_quality_metrics_failures ON data_quality_metrics (pipeline_id, measured_at DESC) WHERE fail_count > 0;

CREATE TRIGGER trg_templates_updated_at BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_pipelines_updated_at BEFORE UPDATE ON pipelines
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE VIEW pipeline_health AS
SELECT p.id              AS pipeline_id,
       p.org_id,
       p.name,
       p.status,
       p.last_run_at,
       p.last_run_status,
       p.next_run_at,
       p.total_executions,
       p.successful_executions,
       p.failed_executions,
       ROUND(p.successful_executions::numeric / NULLIF(p.total_executions, 0) * 100, 2) AS success_rate,
       da.dsp_type,
       da.display_name   AS dsp_account_name
FROM pipelines p
LEFT JOIN dsp_account_refs da ON p.dsp_account_id = da.id
WHERE p.is_active = true;

ALTER TABLE templates REPLICA IDENTITY FULL;
ALTER TABLE pipelines REPLICA IDENTITY FULL;
ALTER TABLE etl_executions REPLICA IDENTITY FULL;
ALTER TABLE data_quality_metrics REPLICA IDENTITY FULL;
