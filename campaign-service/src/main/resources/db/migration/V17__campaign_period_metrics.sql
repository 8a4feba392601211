-- Each campaign's totals per week (Monday to Sunday) and calendar month, with their KPIs: what the campaign list
-- filters and sorts by ("the campaigns of November by ROAS"), a keyset page at a time. One row per campaign and
-- period with campaign-level metrics; an index per sortable KPI makes a page an index range read whatever the
-- organization's size. Kept exact by statement triggers on campaign_metrics: every statement that writes campaign-level
-- rows (a metrics batch, a repricing) recomputes the periods holding the days it wrote, from campaign_metrics itself,
-- in its own transaction. Derived data: not captured by change data capture. See docs/metrics.md, "Campaign list by KPI".

CREATE TABLE campaign_period_metrics (
    campaign_id  uuid           NOT NULL,
    grain        varchar(5)     NOT NULL CHECK (grain IN ('week', 'month')),
    period_start date           NOT NULL,
    org_id       uuid           NOT NULL,
    -- the client and currency of the period's latest day; days in another currency (a DSP never changes a campaign's
    -- currency) are not summed. currency is NULL, and days 0, only while a refresh holds a row it has just made.
    client_id    uuid,
    currency     char(3),
    days         integer        NOT NULL DEFAULT 0,
    impressions  bigint         NOT NULL DEFAULT 0,
    clicks       bigint         NOT NULL DEFAULT 0,
    conversions  bigint         NOT NULL DEFAULT 0,
    views        bigint         NOT NULL DEFAULT 0,
    spend        numeric(26, 6) NOT NULL DEFAULT 0,
    revenue      numeric(26, 6) NOT NULL DEFAULT 0,
    -- NULL when no day of the period had a CPM in effect
    billed_spend numeric(30, 7),
    -- clp_metric_ratio of the sums, as campaign_metrics' own: NULL on a zero denominator
    ctr          numeric(30, 6),
    cpc          numeric(30, 6),
    cpm          numeric(30, 6),
    cpa          numeric(30, 6),
    cvr          numeric(30, 6),
    roas         numeric(30, 6),
    updated_at   timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (campaign_id, grain, period_start)
);
SELECT clp_enable_tenant_isolation('campaign_period_metrics');
SELECT clp_enable_client_isolation('campaign_period_metrics', 'client_id');

-- The (campaign, week) and (campaign, month) keys holding the given (campaign, day) pairs, each once.
CREATE FUNCTION clp_campaign_period_keys(orgs uuid[], campaign_ids uuid[], dates date[])
    RETURNS TABLE (org_id uuid, campaign_id uuid, grain varchar(5), period_start date, period_end date)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT x.org_id, x.campaign_id, g.grain, date_trunc(g.grain, x.d::timestamp)::date,
           (date_trunc(g.grain, x.d::timestamp) + CASE g.grain WHEN 'week' THEN interval '6 days'
                                                       ELSE interval '1 month' - interval '1 day' END)::date
    FROM unnest(orgs, campaign_ids, dates) AS x(org_id, campaign_id, d)
    CROSS JOIN (VALUES ('week'::varchar(5)), ('month')) AS g(grain)
$$;

-- Recomputes the week and month of each (campaign, day) given, from the campaign-level rows of campaign_metrics: upserts
-- the periods whose sums changed and removes those left without days. Its caller sees to it that no other writer of
-- these periods runs meanwhile (below, or the migration's own lock on campaign_metrics for the backfill).
CREATE FUNCTION clp_recompute_campaign_periods(orgs uuid[], campaign_ids uuid[], dates date[]) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO campaign_period_metrics AS p (campaign_id, grain, period_start, org_id, client_id, currency, days, impressions,
                                              clicks, conversions, views, spend, revenue, billed_spend, ctr, cpc, cpm, cpa,
                                              cvr, roas, updated_at)
    SELECT s.campaign_id, s.grain, s.period_start, s.org_id, s.client_id, s.currency, s.days, s.impressions, s.clicks,
           s.conversions, s.views, s.spend, s.revenue, s.billed_spend,
           clp_metric_ratio(s.clicks, s.impressions, 6),
           clp_metric_ratio(s.spend, s.clicks, 6),
           clp_metric_ratio(s.spend * 1000, s.impressions, 6),
           clp_metric_ratio(s.spend, s.conversions, 6),
           clp_metric_ratio(s.conversions, s.clicks, 6),
           clp_metric_ratio(s.revenue, s.spend, 6),
           now()
    FROM (SELECT k.campaign_id, k.grain, k.period_start, k.org_id, l.client_id, l.currency, count(*)::int AS days,
                 sum(m.impressions) AS impressions, sum(m.clicks) AS clicks, sum(m.conversions) AS conversions,
                 sum(m.views) AS views, sum(m.spend) AS spend, sum(m.revenue) AS revenue, sum(m.billed_spend) AS billed_spend
          FROM clp_campaign_period_keys(orgs, campaign_ids, dates) k
          -- the period's latest day names its client and currency
          CROSS JOIN LATERAL (SELECT m.client_id, m.currency FROM campaign_metrics m
                              WHERE m.entity_level = 'campaign' AND m.entity_id = k.campaign_id
                                AND m.metric_date BETWEEN k.period_start AND k.period_end
                              ORDER BY m.metric_date DESC LIMIT 1) l
          JOIN campaign_metrics m ON m.entity_level = 'campaign' AND m.entity_id = k.campaign_id
                                 AND m.metric_date BETWEEN k.period_start AND k.period_end AND m.currency = l.currency
          GROUP BY k.campaign_id, k.grain, k.period_start, k.org_id, l.client_id, l.currency
          ORDER BY k.campaign_id, k.grain, k.period_start) s
    ON CONFLICT (campaign_id, grain, period_start) DO UPDATE
    SET client_id = EXCLUDED.client_id, currency = EXCLUDED.currency, days = EXCLUDED.days,
        impressions = EXCLUDED.impressions, clicks = EXCLUDED.clicks, conversions = EXCLUDED.conversions,
        views = EXCLUDED.views, spend = EXCLUDED.spend, revenue = EXCLUDED.revenue, billed_spend = EXCLUDED.billed_spend,
        ctr = EXCLUDED.ctr, cpc = EXCLUDED.cpc, cpm = EXCLUDED.cpm, cpa = EXCLUDED.cpa, cvr = EXCLUDED.cvr,
        roas = EXCLUDED.roas, updated_at = EXCLUDED.updated_at
    WHERE (p.client_id, p.currency, p.days, p.impressions, p.clicks, p.conversions, p.views, p.spend, p.revenue, p.billed_spend)
          IS DISTINCT FROM
          (EXCLUDED.client_id, EXCLUDED.currency, EXCLUDED.days, EXCLUDED.impressions, EXCLUDED.clicks, EXCLUDED.conversions,
           EXCLUDED.views, EXCLUDED.spend, EXCLUDED.revenue, EXCLUDED.billed_spend);

    DELETE FROM campaign_period_metrics p USING clp_campaign_period_keys(orgs, campaign_ids, dates) k
    WHERE p.campaign_id = k.campaign_id AND p.grain = k.grain AND p.period_start = k.period_start
      AND NOT EXISTS (SELECT 1 FROM campaign_metrics m
                      WHERE m.entity_level = 'campaign' AND m.entity_id = k.campaign_id
                        AND m.metric_date BETWEEN k.period_start AND k.period_end);
END $$;

-- What the triggers call. Writers of one organization's periods are serialized by a transaction-scoped advisory lock
-- on the organization, taken before anything is read: the period sums are then read in a statement (and a snapshot)
-- of its own, after every earlier writer committed, so no writer's days are lost to another's recomputation. That
-- holds in READ COMMITTED, the isolation every writer runs in (a REPEATABLE READ writer would read an older snapshot:
-- refused). Metrics batches hold the organization's billing lock (shared) before they write, repricings hold it
-- exclusively: both take this lock after it, and after their own campaign_metrics rows, always in that order.
-- It runs as the service (system scope, no client limit) whatever the writer's transaction is limited to, so that the
-- days it sums are all the campaign's; it reads and writes only the periods of the pairs it is given.
CREATE FUNCTION clp_refresh_campaign_periods(orgs uuid[], campaign_ids uuid[], dates date[]) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    -- the writer's scope, put back at the end (settings are transactional: an error rolls them back with the rest)
    writer_scope  text := coalesce(current_setting('clp.scope', true), '');
    writer_client text := coalesce(current_setting('clp.client_scope', true), '');
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'clp_refresh_campaign_periods needs READ COMMITTED, not %', current_setting('transaction_isolation')
            USING ERRCODE = '25000';
    END IF;
    PERFORM set_config('clp.scope', 'system', true), set_config('clp.client_scope', '', true);
    PERFORM pg_advisory_xact_lock(hashtext('clp.campaign-periods'), k)
    FROM (SELECT DISTINCT hashtext(o::text) AS k FROM unnest(orgs) AS o ORDER BY 1) x;
    PERFORM clp_recompute_campaign_periods(orgs, campaign_ids, dates);
    PERFORM set_config('clp.scope', writer_scope, true), set_config('clp.client_scope', writer_client, true);
END $$;

-- The statement triggers: the campaign-level (campaign, day) pairs a statement inserted or deleted, and those an update
-- changed the numbers, client or currency of (both its old and new pairs). A metrics batch's upsert fires both the
-- insert and the update trigger, each with its own rows; a row re-recorded with the same numbers recomputes nothing.
-- Rows written straight into a month partition, by its own name, bypass these triggers: nothing does.
CREATE FUNCTION clp_campaign_periods_after_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    orgs uuid[];
    ids  uuid[];
    days date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(org_id), array_agg(entity_id), array_agg(metric_date) INTO orgs, ids, days
        FROM new_rows WHERE entity_level = 'campaign';
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(org_id), array_agg(entity_id), array_agg(metric_date) INTO orgs, ids, days
        FROM old_rows WHERE entity_level = 'campaign';
    ELSE
        SELECT array_agg(x.org_id), array_agg(x.entity_id), array_agg(x.metric_date) INTO orgs, ids, days
        FROM (SELECT n.org_id, n.entity_id, n.metric_date
              FROM new_rows n JOIN old_rows o ON o.entity_level = n.entity_level AND o.entity_id = n.entity_id
                                             AND o.metric_date = n.metric_date
              WHERE n.entity_level = 'campaign'
                AND (o.impressions, o.clicks, o.conversions, o.views, o.spend, o.revenue, o.billed_spend, o.client_id, o.currency)
                    IS DISTINCT FROM
                    (n.impressions, n.clicks, n.conversions, n.views, n.spend, n.revenue, n.billed_spend, n.client_id, n.currency)
              UNION ALL
              -- an update of the key itself (none does today): the new pair above, the old one here
              SELECT n.org_id, n.entity_id, n.metric_date FROM new_rows n
              WHERE n.entity_level = 'campaign' AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.entity_level = n.entity_level
                                                                  AND o.entity_id = n.entity_id AND o.metric_date = n.metric_date)
              UNION ALL
              SELECT o.org_id, o.entity_id, o.metric_date FROM old_rows o
              WHERE o.entity_level = 'campaign' AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.entity_level = o.entity_level
                                                                  AND n.entity_id = o.entity_id AND n.metric_date = o.metric_date)
             ) x;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM clp_refresh_campaign_periods(orgs, ids, days);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER campaign_periods_after_insert AFTER INSERT ON campaign_metrics
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clp_campaign_periods_after_write();
CREATE TRIGGER campaign_periods_after_update AFTER UPDATE ON campaign_metrics
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clp_campaign_periods_after_write();
CREATE TRIGGER campaign_periods_after_delete AFTER DELETE ON campaign_metrics
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION clp_campaign_periods_after_write();

-- Metrics recorded before this table existed: an organization's month at a time (bounded arrays), before the KPI
-- indexes exist, without the organization locks (the triggers made above lock campaign_metrics against every writer
-- until this migration commits; its readers go on).
SELECT set_config('clp.scope', 'system', true);
DO $$
DECLARE
    chunk record;
BEGIN
    FOR chunk IN SELECT DISTINCT org_id, date_trunc('month', metric_date)::date AS month
                 FROM campaign_metrics WHERE entity_level = 'campaign' ORDER BY 1, 2 LOOP
        PERFORM clp_recompute_campaign_periods(array_agg(m.org_id), array_agg(m.entity_id), array_agg(m.metric_date))
        FROM campaign_metrics m
        WHERE m.entity_level = 'campaign' AND m.org_id = chunk.org_id
          AND m.metric_date >= chunk.month AND m.metric_date < (chunk.month + interval '1 month')::date;
    END LOOP;
END $$;

-- One index per sortable KPI, read forwards for asc and backwards for desc; the campaign id breaks ties.
DO $$
DECLARE
    kpi text;
BEGIN
    FOREACH kpi IN ARRAY ARRAY['impressions', 'clicks', 'conversions', 'views', 'spend', 'revenue', 'billed_spend',
                                'ctr', 'cpc', 'cpm', 'cpa', 'cvr', 'roas'] LOOP
        EXECUTE format('CREATE INDEX %I ON campaign_period_metrics (org_id, grain, period_start, %I, campaign_id)',
                       'idx_campaign_period_metrics_' || kpi, kpi);
    END LOOP;
END $$;
