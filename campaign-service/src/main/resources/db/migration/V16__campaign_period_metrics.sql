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

-- Recomputes the week and month of each (campaign, day) given, from the campaign-level rows of campaign_metrics.
-- Concurrent writers of one campaign's period are serialized by the period's row: each first makes the row if it is
-- missing and locks it (in key order, so two writers never wait on each other crosswise), and only then reads the
-- days, in a statement of its own, so that it sees every day committed before it got the lock; the last writer's
-- read includes the first one's days. A period left with no day is removed.
CREATE FUNCTION clp_refresh_campaign_periods(orgs uuid[], campaign_ids uuid[], dates date[]) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO campaign_period_metrics (campaign_id, grain, period_start, org_id)
    SELECT k.campaign_id, k.grain, k.period_start, k.org_id FROM clp_campaign_period_keys(orgs, campaign_ids, dates) k
    ORDER BY k.campaign_id, k.grain, k.period_start
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM campaign_period_metrics p
    JOIN clp_campaign_period_keys(orgs, campaign_ids, dates) k
      ON p.campaign_id = k.campaign_id AND p.grain = k.grain AND p.period_start = k.period_start
    ORDER BY p.campaign_id, p.grain, p.period_start FOR UPDATE OF p;

    UPDATE campaign_period_metrics p
    SET client_id = s.client_id, currency = s.currency, days = s.days, impressions = s.impressions, clicks = s.clicks,
        conversions = s.conversions, views = s.views, spend = s.spend, revenue = s.revenue, billed_spend = s.billed_spend,
        ctr = clp_metric_ratio(s.clicks, s.impressions, 6),
        cpc = clp_metric_ratio(s.spend, s.clicks, 6),
        cpm = clp_metric_ratio(s.spend * 1000, s.impressions, 6),
        cpa = clp_metric_ratio(s.spend, s.conversions, 6),
        cvr = clp_metric_ratio(s.conversions, s.clicks, 6),
        roas = clp_metric_ratio(s.revenue, s.spend, 6),
        updated_at = now()
    FROM (SELECT k.campaign_id, k.grain, k.period_start, l.client_id, l.currency, count(*)::int AS days,
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
          GROUP BY k.campaign_id, k.grain, k.period_start, l.client_id, l.currency) s
    WHERE p.campaign_id = s.campaign_id AND p.grain = s.grain AND p.period_start = s.period_start
      AND (p.client_id, p.currency, p.days, p.impressions, p.clicks, p.conversions, p.views, p.spend, p.revenue, p.billed_spend)
          IS DISTINCT FROM
          (s.client_id, s.currency, s.days, s.impressions, s.clicks, s.conversions, s.views, s.spend, s.revenue, s.billed_spend);

    DELETE FROM campaign_period_metrics p USING clp_campaign_period_keys(orgs, campaign_ids, dates) k
    WHERE p.campaign_id = k.campaign_id AND p.grain = k.grain AND p.period_start = k.period_start
      AND NOT EXISTS (SELECT 1 FROM campaign_metrics m
                      WHERE m.entity_level = 'campaign' AND m.entity_id = k.campaign_id
                        AND m.metric_date BETWEEN k.period_start AND k.period_end);
END $$;

-- The statement triggers: the campaign-level rows a statement inserted, updated or deleted (a metrics batch's upsert
-- fires both the insert and the update trigger, each with its own rows).
CREATE FUNCTION clp_campaign_periods_after_write() RETURNS trigger
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    orgs uuid[];
    ids  uuid[];
    days date[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT array_agg(org_id), array_agg(entity_id), array_agg(metric_date) INTO orgs, ids, days
        FROM old_rows WHERE entity_level = 'campaign';
    ELSE
        SELECT array_agg(org_id), array_agg(entity_id), array_agg(metric_date) INTO orgs, ids, days
        FROM new_rows WHERE entity_level = 'campaign';
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM clp_refresh_campaign_periods(orgs, ids, days);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER campaign_periods_after_insert AFTER INSERT ON campaign_metrics
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clp_campaign_periods_after_write();
CREATE TRIGGER campaign_periods_after_update AFTER UPDATE ON campaign_metrics
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clp_campaign_periods_after_write();
CREATE TRIGGER campaign_periods_after_delete AFTER DELETE ON campaign_metrics
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION clp_campaign_periods_after_write();

-- Metrics recorded before this table existed.
SELECT set_config('clp.scope', 'system', true);
SELECT clp_refresh_campaign_periods(array_agg(org_id), array_agg(entity_id), array_agg(metric_date))
FROM campaign_metrics WHERE entity_level = 'campaign';
