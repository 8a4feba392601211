-- Pacing (seed 001 pacing_snapshots): how each campaign, insertion order and line item with a budget and a flight is
-- delivering against them, recorded as snapshots on a schedule and whenever new metrics of its flight land
-- (io.clp.campaign.pacing). History is kept per month partition of snapshot_at and dropped after the retention
-- (clp.pacing.retention-months). See docs/pacing.md.

CREATE TABLE pacing_snapshots (
    org_id           uuid           NOT NULL,
    snapshot_at      timestamptz    NOT NULL,
    entity_level     varchar(20)    NOT NULL CHECK (entity_level IN ('campaign', 'insertion_order', 'line_item')),
    entity_id        uuid           NOT NULL,
    campaign_id      uuid           NOT NULL,
    client_id        uuid,
    -- what the budget counts: 'money' (in currency) or 'impressions'
    unit             varchar(11)    NOT NULL CHECK (unit IN ('money', 'impressions')),
    currency         char(3),
    budget_type      varchar(20),
    flight_start     date           NOT NULL,
    flight_end       date           NOT NULL,
    -- the day the snapshot counts as today, in the DSP account's time zone
    as_of            date           NOT NULL,
    booked_amount    numeric(26, 6) NOT NULL,
    delivered_amount numeric(26, 6) NOT NULL,
    flight_days      integer        NOT NULL,
    days_elapsed     integer        NOT NULL,
    days_remaining   integer        NOT NULL,
    -- (delivered / booked) / (days elapsed / flight days): 1 on pace; NULL for a zero budget or before the first full day
    pacing_rate      numeric(20, 4),
    -- delivered + delivered / days elapsed x days remaining
    projected_amount numeric(26, 6),
    -- billed (CPM-adjusted) spend over the same days, in the client's currency (billed_currency), and the margin
    -- (billed - the media spend of the days that were billed) when that currency is the media spend's
    billed_amount    numeric(30, 7),
    billed_currency  char(3),
    margin           numeric(30, 7),
    margin_percent   numeric(20, 4),
    trigger          varchar(10)    NOT NULL CHECK (trigger IN ('schedule', 'metrics')),
    PRIMARY KEY (entity_level, entity_id, snapshot_at)
) PARTITION BY RANGE (snapshot_at);

CREATE INDEX idx_pacing_snapshots_campaign ON pacing_snapshots (campaign_id, snapshot_at);
CREATE INDEX idx_pacing_snapshots_org ON pacing_snapshots (org_id, snapshot_at);
SELECT clp_enable_tenant_isolation('pacing_snapshots');
SELECT clp_enable_client_isolation('pacing_snapshots', 'client_id');

-- The pacing arithmetic, for one entity: days are whole days of the flight (start and end inclusive); the days
-- elapsed are the flight's days before `today` (today's numbers are not complete yet), and what was delivered is
-- counted over those same days. Exact: ratios by clp_metric_ratio (half-up).
CREATE FUNCTION clp_pacing(booked numeric, delivered numeric, flight_start date, flight_end date, today date,
                           OUT flight_days integer, OUT days_elapsed integer, OUT days_remaining integer,
                           OUT pacing_rate numeric, OUT projected numeric)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
    SELECT f.days, e.days, f.days - e.days,
           CASE WHEN booked > 0 AND e.days > 0 THEN clp_metric_ratio(delivered * f.days, booked * e.days, 4) END,
           CASE WHEN e.days > 0 THEN delivered + clp_metric_ratio(delivered * (f.days - e.days), e.days, 6) END
    FROM (SELECT flight_end - flight_start + 1 AS days) f
    CROSS JOIN LATERAL (SELECT greatest(0, least(f.days, today - flight_start)) AS days) e
$$;

-- The month partitions of snapshot_at (UTC months) that `at` needs, created when missing, with both isolations.
CREATE FUNCTION clp_ensure_pacing_partition(at timestamptz) RETURNS integer
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    month date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
    name  text := format('pacing_snapshots_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
BEGIN
    IF to_regclass(quote_ident(name)) IS NOT NULL THEN
        RETURN 0;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('clp_ensure_pacing_partition'));
    BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF pacing_snapshots FOR VALUES FROM (%L) TO (%L)', name,
                       (month::timestamp AT TIME ZONE 'UTC'), ((month + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
        PERFORM clp_enable_tenant_isolation(quote_ident(name)::regclass);
        PERFORM clp_enable_client_isolation(quote_ident(name)::regclass, 'client_id');
        RETURN 1;
    EXCEPTION WHEN duplicate_table THEN
        RETURN 0;
    END;
END $$;

-- Drops the month partitions wholly older than `keep_months` months before the current one; returns how many.
CREATE FUNCTION clp_drop_pacing_partitions(keep_months integer) RETURNS integer
    LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    cutoff  timestamptz := (date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => keep_months))
                           AT TIME ZONE 'UTC';
    p       record;
    dropped integer := 0;
BEGIN
    IF keep_months IS NULL OR keep_months < 1 THEN
        RAISE EXCEPTION 'clp_drop_pacing_partitions: keep at least one month' USING ERRCODE = '22023';
    END IF;
    FOR p IN SELECT c.oid::regclass AS tbl, pg_get_expr(c.relpartbound, c.oid) AS bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'pacing_snapshots'::regclass LOOP
        IF (substring(p.bound FROM 'TO \(''([^'']+)''\)'))::timestamptz <= cutoff THEN
            EXECUTE format('DROP TABLE %s', p.tbl);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    RETURN dropped;
END $$;
