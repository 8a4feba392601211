-- What templates, pipelines and their executions need beyond seed 000's columns (docs/pipelines.md).

-- A template's inputs as a JSON Schema (draft 2020-12) object, validated when a pipeline is made from it. required_inputs
-- and optional_inputs (seed 000) keep the input names, for listing; the schema is what is enforced.
ALTER TABLE templates ADD COLUMN input_schema jsonb NOT NULL DEFAULT '{"type": "object"}'::jsonb;
-- every edit is a new version: one row per (lineage root, version)
ALTER TABLE templates ADD COLUMN root_template_id uuid REFERENCES templates (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX uq_templates_version ON templates (coalesce(root_template_id, id), version);

-- Each scheduled run re-reads the days before its own, so late conversions and restatements land.
ALTER TABLE pipelines ADD COLUMN lookback_days integer NOT NULL DEFAULT 2 CHECK (lookback_days BETWEEN 0 AND 90);

-- The days an execution reads (in the pipeline's time zone), and the tick it ran for.
ALTER TABLE etl_executions ADD COLUMN data_from date,
                           ADD COLUMN data_to   date,
                           ADD CONSTRAINT ck_etl_executions_window CHECK (data_from IS NULL OR data_to >= data_from);
-- one execution per pipeline and tick, whichever scheduler instance claims it
CREATE UNIQUE INDEX uq_etl_executions_tick ON etl_executions (pipeline_id, scheduled_at) WHERE execution_type = 'scheduled';
