-- Gold writes only what an execution changes (docs/pipelines.md "Gold", docs/adr/0011-staging-tables.md).
--
-- A delivery replaces whole days of a pipeline, so the version of gold's numbers is kept per pipeline and day: the
-- execution that delivered the day last and when it read its source. An execution that read its source before the
-- recorded version of a day (a slow run that commits late) leaves that day alone, as a whole; rows whose numbers did
-- not change are then neither rewritten nor published again.
CREATE TABLE gold_days (
    pipeline_id  uuid        NOT NULL,
    metric_date  date        NOT NULL,
    org_id       uuid        NOT NULL,
    execution_id uuid        NOT NULL,
    extracted_at timestamptz NOT NULL,
    -- the delivery's data-quality outcome, which campaign-service keeps on every row of the day
    quality_score   numeric(5, 2),
    has_data_issues boolean,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline_id, metric_date)
);
CREATE INDEX idx_gold_days_org ON gold_days (org_id);
SELECT clp_enable_tenant_isolation('gold_days');

-- The days gold already holds were delivered by the last execution that wrote them (read as the service itself:
-- both tables force row-level security).
SELECT set_config('clp.scope', 'system', true);
INSERT INTO gold_days (pipeline_id, metric_date, org_id, execution_id, extracted_at, quality_score, has_data_issues)
SELECT DISTINCT ON (g.pipeline_id, g.metric_date) g.pipeline_id, g.metric_date, g.org_id, g.execution_id, g.extracted_at,
       r.quality_score, r.has_data_issues
FROM gold_daily_metrics g
LEFT JOIN ingestion_runs r ON r.execution_id = g.execution_id
ORDER BY g.pipeline_id, g.metric_date, g.extracted_at DESC, g.execution_id DESC;

-- A deleted pipeline's gold goes with it, rows and day versions (no foreign keys: see V9).
DROP TRIGGER gold_daily_metrics_of_deleted_pipeline ON pipelines;
DROP FUNCTION gold_daily_metrics_of_deleted_pipeline();
CREATE FUNCTION gold_of_deleted_pipeline() RETURNS trigger LANGUAGE plpgsql
SET search_path = pipeline, pg_catalog AS $$
BEGIN
    DELETE FROM gold_daily_metrics WHERE pipeline_id = OLD.id;
    DELETE FROM gold_days WHERE pipeline_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER gold_of_deleted_pipeline AFTER DELETE ON pipelines
    FOR EACH ROW EXECUTE FUNCTION gold_of_deleted_pipeline();

-- Gold's rows by pipeline and day first: an execution reads and writes the days it delivered, a range of the key.
-- The new key is built under the table's lock: executions wait for it during the upgrade.
-- No index on execution_id: a restatement changes no indexed column, so its updates stay on their page (HOT), and
-- the pages keep room for them.
DROP INDEX idx_gold_daily_metrics_execution;
ALTER TABLE gold_daily_metrics DROP CONSTRAINT gold_daily_metrics_pkey;
ALTER TABLE gold_daily_metrics ADD PRIMARY KEY (pipeline_id, metric_date, level, entity_id);
ALTER TABLE gold_daily_metrics SET (fillfactor = 70);
