package io.clp.campaign.pacing;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.LocalDate;
import java.util.UUID;

/**
 * Takes pacing snapshots (docs/pacing.md), set-based, in the caller's transaction of the service's own (system
 * scope): one row per live campaign, insertion order and line item of the organization with a budget and a flight
 * (not removed, started, and not ended before yesterday in its DSP account's time zone), whose flight overlaps the
 * given days. What was delivered is summed from its metric rows of the flight's days before today.
 */
@ApplicationScoped
public class PacingSnapshots {

    /** This month's partition and the next one's: a snapshot taken after midnight on the 1st finds its month. */
    private static final String ENSURE_PARTITION = """
            SELECT clp_ensure_pacing_partition(now()) + clp_ensure_pacing_partition(now() + interval '1 month') AS created
            """;

    /**
     * $1 org, $2 trigger, $3 and $4 the days whose flights are snapshotted (flights overlapping them), $5 minutes: an
     * entity snapshotted for new metrics within them is left out (null: none is).
     */
    static final String SNAPSHOT = """
            WITH accounts AS MATERIALIZED (
                SELECT a.id, (now() AT TIME ZONE CASE WHEN a.account_timezone IN (SELECT name FROM pg_timezone_names)
                                                      THEN a.account_timezone ELSE 'UTC' END)::date AS today
                FROM dsp_accounts a WHERE a.org_id = $1),
            entities AS (
                SELECT 'campaign' AS lvl, c.id, c.id AS campaign_id, c.client_id, c.dsp_account_id, c.budget, c.currency,
                       c.budget_type, c.start_date, c.end_date
                FROM campaigns c
                WHERE c.org_id = $1 AND c.removed_at IS NULL AND c.budget IS NOT NULL AND c.start_date IS NOT NULL
                  AND c.end_date IS NOT NULL AND c.start_date <= $4 AND c.end_date >= $3
                UNION ALL
                SELECT 'insertion_order', i.id, i.campaign_id, c.client_id, i.dsp_account_id, i.budget, i.currency, i.budget_type,
                       i.start_date, i.end_date
                FROM insertion_orders i JOIN campaigns c ON c.id = i.campaign_id
                WHERE i.org_id = $1 AND i.removed_at IS NULL AND i.budget IS NOT NULL AND i.start_date IS NOT NULL
                  AND i.end_date IS NOT NULL AND i.start_date <= $4 AND i.end_date >= $3
                UNION ALL
                SELECT 'line_item', l.id, l.campaign_id, c.client_id, l.dsp_account_id, l.budget, l.currency, l.budget_type,
                       l.start_date, l.end_date
                FROM line_items l JOIN campaigns c ON c.id = l.campaign_id
                WHERE l.org_id = $1 AND l.removed_at IS NULL AND l.budget IS NOT NULL AND l.start_date IS NOT NULL
                  AND l.end_date IS NOT NULL AND l.start_date <= $4 AND l.end_date >= $3),
            live AS (
                SELECT e.*, coalesce(a.today, (now() AT TIME ZONE 'UTC')::date) AS today,
                       CASE WHEN e.budget_type = 'impressions' THEN 'impressions' ELSE 'money' END AS unit
                FROM entities e LEFT JOIN accounts a ON a.id = e.dsp_account_id),
            measured AS (
                SELECT l.*, d.spend, d.impressions, d.billed, d.billed_days_spend, cl.currency AS billed_currency,
                       CASE WHEN l.budget_type = 'daily' THEN l.budget * (l.end_date - l.start_date + 1) ELSE l.budget END AS booked
                FROM live l
                LEFT JOIN LATERAL (SELECT coalesce(sum(m.spend), 0) AS spend, coalesce(sum(m.impressions), 0) AS impressions,
                                          sum(m.billed_spend) AS billed,
                                          sum(m.spend) FILTER (WHERE m.billed_spend IS NOT NULL) AS billed_days_spend
                                   FROM campaign_metrics m
                                   WHERE m.entity_level = l.lvl AND m.entity_id = l.id
                                     AND m.metric_date BETWEEN l.start_date AND least(l.end_date, l.today - 1)) d ON true
                LEFT JOIN clients cl ON cl.id = l.client_id
                WHERE l.start_date <= l.today AND l.end_date >= l.today - 1 AND l.end_date >= l.start_date)
            INSERT INTO pacing_snapshots (org_id, snapshot_at, entity_level, entity_id, campaign_id, client_id, unit, currency,
                                          budget_type, flight_start, flight_end, as_of, booked_amount, delivered_amount,
                                          flight_days, days_elapsed, days_remaining, pacing_rate, projected_amount,
                                          billed_amount, billed_currency, margin, margin_percent, trigger)
            SELECT $1, now(), x.lvl, x.id, x.campaign_id, x.client_id, x.unit, x.currency, x.budget_type, x.start_date,
                   x.end_date, x.today, x.booked, x.delivered, p.flight_days, p.days_elapsed, p.days_remaining, p.pacing_rate,
                   p.projected, x.billed, x.billed_currency, x.margin, clp_metric_ratio(x.margin * 100, x.billed, 4), $2
            FROM (SELECT measured.*,
                         CASE WHEN unit = 'impressions' THEN impressions ELSE spend END AS delivered,
                         CASE WHEN unit = 'money' AND billed IS NOT NULL AND billed_currency = currency
                              THEN billed - billed_days_spend END AS margin
                  FROM measured) x
            CROSS JOIN LATERAL clp_pacing(x.booked, x.delivered, x.start_date, x.end_date, x.today) p
            WHERE $5::int IS NULL OR NOT EXISTS (
                SELECT 1 FROM pacing_snapshots s WHERE s.entity_level = x.lvl AND s.entity_id = x.id AND s.trigger = 'metrics'
                                                   AND s.snapshot_at > now() - make_interval(mins => $5::int))
            ON CONFLICT DO NOTHING
            """;

    private final Pool pool;
    private final java.time.Duration metricsMinInterval;

    PacingSnapshots(Pool pool, @org.eclipse.microprofile.config.inject.ConfigProperty(name = "clp.pacing.metrics-min-interval",
            defaultValue = "15m") java.time.Duration metricsMinInterval) {
        this.pool = pool;
        this.metricsMinInterval = metricsMinInterval;
    }

    /**
     * The month partition a snapshot taken now needs, in a short transaction of its own (creating a partition locks
     * the parent table until commit, which would hold every reader of pacing for the length of a snapshot).
     */
    public Uni<Void> ensurePartition() {
        return pool.withTransaction(conn -> conn.query(ENSURE_PARTITION).execute()).replaceWithVoid();
    }

    /**
     * Snapshots the organization's live flights overlapping {@code from} to {@code to}; returns how many rows. Call
     * {@link #ensurePartition()} first.
     */
    public Uni<Integer> take(SqlConnection conn, UUID orgId, String trigger, LocalDate from, LocalDate to) {
        return take(conn, orgId, trigger, from, to, null);
    }

    /** As {@link #take(SqlConnection, UUID, String, LocalDate, LocalDate)}, skipping entities snapshotted for new metrics lately. */
    public Uni<Integer> take(SqlConnection conn, UUID orgId, String trigger, LocalDate from, LocalDate to, Integer minMinutes) {
        return conn.preparedQuery(SNAPSHOT).execute(Tuple.of(orgId, trigger, from, to, minMinutes)).map(rows -> rows.rowCount());
    }

    /**
     * Snapshots, in a transaction of its own, the flights overlapping days whose metrics just changed, except entities
     * snapshotted for new metrics within {@code clp.pacing.metrics-min-interval}: a busy organization's batches do not
     * each add a row for every entity.
     */
    public Uni<Integer> afterMetrics(UUID orgId, LocalDate from, LocalDate to) {
        return ensurePartition().chain(() -> pool.withTransaction(conn -> conn.query("SELECT set_config('clp.scope', 'system', true)")
                .execute().chain(() -> take(conn, orgId, "metrics", from, to, (int) metricsMinInterval.toMinutes()))));
    }
}
