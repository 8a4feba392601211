-- campaign_metrics becomes one row per (entity level, entity id, day) for every level of the hierarchy, written by
-- the metrics batches of pipeline executions (io.clp.campaign.metrics), partitioned by month of metric_date.
-- V1's table was keyed by campaign only and has never held a row; it is replaced, not migrated (the guard below
-- stops the migration rather than drop rows, should an install have written some by hand).
-- Not captured by change data capture (deploy/debezium/clp-cdc.properties, partitions included): a bulk metric load
-- is audited as the pipeline execution that wrote it (docs/audit-policy.md). See docs/metrics.md.

-- The guard reads across organizations: the migration acts as the service itself (the table's row-level security
-- is forced, and would otherwise hide every row and let the guard pass over a populated table).
SELECT set_config('clp.scope', 'system', true);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM campaign_metrics) THEN
        RAISE EXCEPTION 'campaign_metrics holds rows: V9 replaces the table and would lose them; move them aside first';
    END IF;
END $$;

DROP TABLE campaign_metrics;

CREATE TABLE campaign_metrics (
    org_id             uuid           NOT NULL,
    entity_level       varchar(20)    NOT NULL
        CHECK (entity_level IN ('campaign', 'insertion_order', 'line_item', 'creative')),
    entity_id          uuid           NOT NULL,
    -- the campaign the entity belongs to (the entity itself at campaign level): what the API reads by
    campaign_id        uuid           NOT NULL,
    metric_date        date           NOT NULL,
    impressions        bigint         NOT NULL DEFAULT 0 CHECK (impressions >= 0),
    clicks             bigint         NOT NULL DEFAULT 0 CHECK (clicks >= 0),
    conversions        bigint         NOT NULL DEFAULT 0 CHECK (conversions >= 0),
    views              bigint         NOT NULL DEFAULT 0 CHECK (views >= 0),
    -- amounts to the micro (the DSPs' unit), in the entity's currency
    spend              numeric(20, 6) NOT NULL DEFAULT 0 CHECK (spend >= 0),
    currency           char(3)        NOT NULL,
    revenue            numeric(20, 6) NOT NULL DEFAULT 0 CHECK (revenue >= 0),
    -- derived from the row's own numbers by clp_metric_ratio (NULL on a zero denominator), 6 fractional digits
    ctr                numeric(30, 6),
    cpc                numeric(30, 6),
    cpm                numeric(30, 6),
    cpa                numeric(30, 6),
    cvr                numeric(30, 6),
    roas               numeric(30, 6),
    custom_metrics     jsonb          NOT NULL DEFAULT '{}'::jsonb,
    data_quality_score numeric(5, 2)  CHECK (data_quality_score BETWEEN 0 AND 100),
    has_data_issues    boolean        NOT NULL DEFAULT false,
    -- the batch (and its execution) that last wrote the row's numbers; (source_extracted_at, execution_id) is the
    -- version of the numbers: when the execution read its source. A batch replaces a row only with a newer version
    -- (or the same version with other numbers), never with an older one applied late.
    batch_id           uuid           NOT NULL,
    execution_id       uuid           NOT NULL,
    source_extracted_at timestamptz   NOT NULL,
    pipeline_id        uuid,
    synced_at          timestamptz,
    created_at         timestamptz    NOT NULL DEFAULT now(),
    updated_at         timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_level, entity_id, metric_date)
) PARTITION BY RANGE (metric_date);
-- No DEFAULT partition: a row for a month without its partition fails its batch (dead-lettered, nothing written)
-- instead of landing in a catch-all that every later CREATE ... PARTITION OF would have to scan and empty.

CREATE INDEX idx_campaign_metrics_campaign ON campaign_metrics (campaign_id, entity_level, metric_date);
CREATE INDEX idx_campaign_metrics_org_date ON campaign_metrics (org_id, metric_date);

SELECT clp_enable_tenant_isolation('campaign_metrics');

-- The month partitions that rows dated from_date to to_date need, created when missing; returns how many it
-- created. Concurrent callers are serialized by a transaction-scoped advisory lock, taken only when a month is
-- missing (the common call, whose months all exist, takes no lock); a partition another caller created meanwhile
-- is recognised by its name. Each partition gets the tenant isolation policy too, so that it is not an open door
-- when queried by its own name. It works in this schema whatever the caller's search_path. Call it in a short
-- transaction of its own: creating a partition locks the parent table until commit.
CREATE FUNCTION clp_ensure_metric_partitions(from_date date, to_date date) RETURNS integer
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    month   date;
    name    text;
    locked  boolean := false;
    created integer := 0;
BEGIN
    IF from_date IS NULL OR to_date IS NULL OR to_date < from_date THEN
        RAISE EXCEPTION 'clp_ensure_metric_partitions: invalid range % to %', from_date, to_date USING ERRCODE = '22023';
    END IF;
    IF to_date - from_date > 3660 THEN
        RAISE EXCEPTION 'clp_ensure_metric_partitions: % to % spans more than ten years', from_date, to_date
            USING ERRCODE = '22023';
    END IF;
    month := date_trunc('month', from_date)::date;
    WHILE month <= to_date LOOP
        name := format('campaign_metrics_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
        IF to_regclass(quote_ident(name)) IS NULL THEN
            IF NOT locked THEN
                PERFORM pg_advisory_xact_lock(hashtext('clp_ensure_metric_partitions'));
                locked := true;
            END IF;
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF campaign_metrics FOR VALUES FROM (%L) TO (%L)',
                               name, month, (month + interval '1 month')::date);
                PERFORM clp_enable_tenant_isolation(quote_ident(name)::regclass);
                created := created + 1;
            EXCEPTION WHEN duplicate_table OR unique_violation THEN
                -- another caller created it between our look and our lock
                NULL;
            END;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN created;
END $$;

-- num / den rounded half-up (away from zero; every metric is non-negative) to `scale` fractional digits, exactly:
-- integer division of numerics, never a rounded quotient rounded again. NULL when den is zero (or either is NULL).
CREATE FUNCTION clp_metric_ratio(num numeric, den numeric, scale integer) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN den = 0 THEN NULL
                -- the quotient is exact to `scale` digits already; round() only sets its display scale to `scale`
                ELSE round(sign(num) * sign(den)
                           * div(2 * abs(num) * power(10::numeric, scale) + abs(den), 2 * abs(den))
                           * power(10::numeric, -scale), scale) END
$$;
