-- Summaries of an organization's metrics per day, week (Monday to Sunday) and calendar month (seed 004
-- weekly_summaries and monthly_summaries, seed 001's daily summary by DSP): one row per period, client (NULL: the
-- campaigns no client holds), DSP and currency, with totals and the top campaigns and creatives of the period by
-- spend, conversions and ROAS. Per organization or per client they are sums of these rows (a campaign belongs to
-- one client and one DSP). Maintained incrementally: a metrics batch, or a repricing, marks the days it changed in
-- metric_summary_dirty in its own transaction; the refresher (io.clp.campaign.summary.SummaryRefresher) recomputes
-- those days and the weeks and months that hold them from campaign_metrics and clears the marks it read, in one
-- transaction. Reads never aggregate daily rows. Derived data: not captured by change data capture.
-- See docs/summaries.md.

CREATE TABLE metric_summaries (
    -- the replica identity: the CDC publication covers the whole schema, and a row without one cannot be deleted
    id            bigint         GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        uuid           NOT NULL,
    grain         varchar(5)     NOT NULL CHECK (grain IN ('day', 'week', 'month')),
    period_start  date           NOT NULL,
    period_end    date           NOT NULL,
    client_id     uuid,
    dsp_type      dsp_type       NOT NULL,
    currency      char(3)        NOT NULL,
    -- campaigns with a campaign-level row in the period
    campaigns     integer        NOT NULL,
    impressions   bigint         NOT NULL,
    clicks        bigint         NOT NULL,
    conversions   bigint         NOT NULL,
    views         bigint         NOT NULL,
    spend         numeric(26, 6) NOT NULL,
    revenue       numeric(26, 6) NOT NULL,
    -- in the client's currency (billed_currency); NULL where no day of the period had a CPM in effect
    billed_spend  numeric(30, 7),
    billed_currency char(3),
    -- {"spend": [...], "conversions": [...], "roas": [...]}: the period's first ten, each
    -- {"id", "spend", "conversions", "revenue", "roas"}; ROAS ranks only entities that spent
    top_campaigns jsonb          NOT NULL DEFAULT '{}'::jsonb,
    top_creatives jsonb          NOT NULL DEFAULT '{}'::jsonb,
    refreshed_at  timestamptz    NOT NULL DEFAULT now(),
    CHECK (period_end >= period_start)
);
CREATE UNIQUE INDEX uq_metric_summaries ON metric_summaries (org_id, grain, period_start, client_id, dsp_type, currency)
    NULLS NOT DISTINCT;
CREATE INDEX idx_metric_summaries_client ON metric_summaries (client_id, grain, period_start) WHERE client_id IS NOT NULL;
SELECT clp_enable_tenant_isolation('metric_summaries');
SELECT clp_enable_client_isolation('metric_summaries', 'client_id');

-- The days whose summaries are out of date. Written by the metrics upsert and by repricings, each marking a day
-- with a new `mark`; the refresher reads the marks, recomputes, and removes only the marks it read: a day marked
-- again meanwhile stays marked. Writers never wait for a refresh, nor a refresh for writers but at its very end.
CREATE SEQUENCE metric_summary_marks;
CREATE TABLE metric_summary_dirty (
    org_id      uuid        NOT NULL,
    metric_date date        NOT NULL,
    mark        bigint      NOT NULL DEFAULT nextval('metric_summary_marks'),
    marked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, metric_date)
);
SELECT clp_enable_tenant_isolation('metric_summary_dirty');

-- When each organization's summaries were last refreshed: an organization is refreshed at most once per
-- clp.summaries.min-interval, so that a steady stream of batches does not have its months recomputed every tick.
CREATE TABLE metric_summary_refreshes (
    org_id       uuid        PRIMARY KEY,
    refreshed_at timestamptz NOT NULL
);
SELECT clp_enable_tenant_isolation('metric_summary_refreshes');

-- Metrics recorded before summaries existed: every day with rows is out of date.
SELECT set_config('clp.scope', 'system', true);
INSERT INTO metric_summary_dirty (org_id, metric_date)
SELECT DISTINCT org_id, metric_date FROM campaign_metrics WHERE entity_level = 'campaign'
ON CONFLICT DO NOTHING;
