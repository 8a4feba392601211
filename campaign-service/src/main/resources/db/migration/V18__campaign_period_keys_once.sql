-- The recomputation of campaign periods (V17) expands its (campaign, day) pairs into period keys once, not once for
-- the upsert and again for the removal: one statement whose upsert and removal read the same keys. Its result is
-- V17's: the upsert writes the periods that have days, the removal takes those that have none, both read in one snapshot.

-- Recomputes the week and month of each (campaign, day) given, from the campaign-level rows of campaign_metrics: upserts
-- the periods whose sums changed and removes those left without days. Its caller sees to it that no other writer of
-- these periods runs meanwhile (clp_refresh_campaign_periods, or V17's own lock on campaign_metrics for the backfill).
CREATE OR REPLACE FUNCTION clp_recompute_campaign_periods(orgs uuid[], campaign_ids uuid[], dates date[]) RETURNS void
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    WITH k AS MATERIALIZED (
        SELECT * FROM clp_campaign_period_keys(orgs, campaign_ids, dates)
    ), upserted AS (
        INSERT INTO campaign_period_metrics AS p (campaign_id, grain, period_start, org_id, client_id, currency, days,
                                                  impressions, clicks, conversions, views, spend, revenue, billed_spend,
                                                  ctr, cpc, cpm, cpa, cvr, roas, updated_at)
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
                     sum(m.views) AS views, sum(m.spend) AS spend, sum(m.revenue) AS revenue,
                     sum(m.billed_spend) AS billed_spend
              FROM k
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
        WHERE (p.client_id, p.currency, p.days, p.impressions, p.clicks, p.conversions, p.views, p.spend, p.revenue,
               p.billed_spend)
              IS DISTINCT FROM
              (EXCLUDED.client_id, EXCLUDED.currency, EXCLUDED.days, EXCLUDED.impressions, EXCLUDED.clicks,
               EXCLUDED.conversions, EXCLUDED.views, EXCLUDED.spend, EXCLUDED.revenue, EXCLUDED.billed_spend)
    )
    -- a key has days (upserted above) or has none (removed here), never both: the two touch different rows
    DELETE FROM campaign_period_metrics p USING k
    WHERE p.campaign_id = k.campaign_id AND p.grain = k.grain AND p.period_start = k.period_start
      AND NOT EXISTS (SELECT 1 FROM campaign_metrics m
                      WHERE m.entity_level = 'campaign' AND m.entity_id = k.campaign_id
                        AND m.metric_date BETWEEN k.period_start AND k.period_end);
END $$;
