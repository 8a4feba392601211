-- Gold is kept as one row per pipeline, day and level: a day block, its rows as parallel arrays
-- (docs/pipelines.md "Gold", docs/adr/0011-staging-tables.md).
--
-- A delivery replaces whole days, and the days of a pipeline are read and written whole: by the execution that
-- delivers them (to tell what changed), and by the anomaly check (an entity's history). A row per entity and day cost
-- a heap tuple and an index entry each, and a restatement of a million rows rewrote a million tuples (twenty seconds
-- here, most of gold). A block is written in one piece: the same restatement writes some hundred rows.
--
-- Each row keeps the execution that last changed its numbers and when that execution read its source: a row whose
-- numbers a later delivery left alone keeps its version. The arrays are stored out of line without compression
-- (compressing them cost more than it saved); the block is rewritten whole whenever one of its rows changes.
CREATE TABLE gold_blocks (
    pipeline_id   uuid          NOT NULL,
    metric_date   date          NOT NULL,
    level         varchar(20)   NOT NULL CHECK (level IN ('campaign', 'insertion_order', 'line_item', 'creative')),
    org_id        uuid          NOT NULL,
    entity_ids    uuid[]        NOT NULL,
    execution_ids uuid[]        NOT NULL,
    extracted_at  timestamptz[] NOT NULL,
    impressions   bigint[]      NOT NULL,
    clicks        bigint[]      NOT NULL,
    conversions   bigint[]      NOT NULL,
    views         bigint[]      NOT NULL,
    spend         numeric[]     NOT NULL,
    currency      text[]        NOT NULL,
    revenue       numeric[]     NOT NULL,
    updated_at    timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline_id, metric_date, level),
    CHECK (cardinality(entity_ids) = cardinality(execution_ids) AND cardinality(entity_ids) = cardinality(extracted_at)
           AND cardinality(entity_ids) = cardinality(impressions) AND cardinality(entity_ids) = cardinality(clicks)
           AND cardinality(entity_ids) = cardinality(conversions) AND cardinality(entity_ids) = cardinality(views)
           AND cardinality(entity_ids) = cardinality(spend) AND cardinality(entity_ids) = cardinality(currency)
           AND cardinality(entity_ids) = cardinality(revenue))
);
ALTER TABLE gold_blocks
    ALTER COLUMN entity_ids SET STORAGE EXTERNAL, ALTER COLUMN execution_ids SET STORAGE EXTERNAL,
    ALTER COLUMN extracted_at SET STORAGE EXTERNAL, ALTER COLUMN impressions SET STORAGE EXTERNAL,
    ALTER COLUMN clicks SET STORAGE EXTERNAL, ALTER COLUMN conversions SET STORAGE EXTERNAL,
    ALTER COLUMN views SET STORAGE EXTERNAL, ALTER COLUMN spend SET STORAGE EXTERNAL,
    ALTER COLUMN currency SET STORAGE EXTERNAL, ALTER COLUMN revenue SET STORAGE EXTERNAL;
CREATE INDEX idx_gold_blocks_org ON gold_blocks (org_id);
SELECT clp_enable_tenant_isolation('gold_blocks');

-- The rows gold holds become blocks (read as the service itself: both tables force row-level security).
SELECT set_config('clp.scope', 'system', true);
INSERT INTO gold_blocks (pipeline_id, metric_date, level, org_id, entity_ids, execution_ids, extracted_at, impressions,
                         clicks, conversions, views, spend, currency, revenue, updated_at)
SELECT pipeline_id, metric_date, level, min(org_id::text)::uuid, array_agg(entity_id), array_agg(execution_id),
       array_agg(extracted_at), array_agg(impressions), array_agg(clicks), array_agg(conversions), array_agg(views),
       array_agg(spend), array_agg(currency::text), array_agg(revenue), max(updated_at)
FROM gold_daily_metrics
GROUP BY pipeline_id, metric_date, level;

DROP TABLE gold_daily_metrics;

-- Gold's rows as they were, one per level, entity and day, for readers: the anomaly check, operators. A reader in an
-- organization's scope sees that organization's blocks only (the view runs with the reader's rights, so the blocks'
-- row-level security applies).
CREATE VIEW gold_daily_metrics WITH (security_invoker = true) AS
SELECT b.pipeline_id, b.level, r.entity_id, b.metric_date, b.org_id, r.execution_id, r.extracted_at, r.impressions,
       r.clicks, r.conversions, r.views, r.spend::numeric(20, 6) AS spend, r.currency::char(3) AS currency,
       r.revenue::numeric(20, 6) AS revenue
FROM gold_blocks b
CROSS JOIN LATERAL unnest(b.entity_ids, b.execution_ids, b.extracted_at, b.impressions, b.clicks, b.conversions, b.views,
                          b.spend, b.currency, b.revenue)
    AS r(entity_id, execution_id, extracted_at, impressions, clicks, conversions, views, spend, currency, revenue);

CREATE OR REPLACE FUNCTION gold_of_deleted_pipeline() RETURNS trigger LANGUAGE plpgsql
SET search_path = pipeline, pg_catalog AS $$
BEGIN
    DELETE FROM gold_blocks WHERE pipeline_id = OLD.id;
    DELETE FROM gold_days WHERE pipeline_id = OLD.id;
    RETURN OLD;
END $$;
