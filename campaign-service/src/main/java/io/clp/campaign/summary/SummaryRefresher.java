package io.clp.campaign.summary;

import io.clp.campaign.pacing.PacingSnapshots;
import io.clp.campaign.work.EachOrganization;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Keeps {@code metric_summaries} up to date (docs/summaries.md): every {@code clp.summaries.refresh-every}, for each
 * organization with days marked out of date, in one transaction of the service's own: takes the organization's
 * summary lock (another instance refreshing it is skipped, not waited for), reads its marks, recomputes each marked
 * day and the weeks and months holding them from {@code campaign_metrics}, set-based, and removes the marks it read.
 * A failure rolls it all back and the marks stay: the next tick tries again, so no change is lost. A change that
 * marks a day while a refresh runs gives it a new mark, which the refresh does not remove (it waits for that change
 * to commit or roll back first), so the day is refreshed again by the next tick.
 */
@ApplicationScoped
class SummaryRefresher {

    private static final Logger LOG = Logger.getLogger(SummaryRefresher.class);
    /** Entities kept in each ranking of a period. */
    static final int TOP = 10;

    private static final String SCOPE = "SELECT set_config('clp.scope', 'system', true)";
    /**
     * The organizations with marks that were not refreshed within the minimum interval ($2 seconds), oldest marks first,
     * so that none waits behind others for long.
     */
    private static final String DUE = """
            SELECT d.org_id FROM metric_summary_dirty d LEFT JOIN metric_summary_refreshes r ON r.org_id = d.org_id
            WHERE r.refreshed_at IS NULL OR r.refreshed_at <= now() - make_interval(secs => $2)
            GROUP BY d.org_id ORDER BY min(d.marked_at) LIMIT $1
            """;
    private static final String REFRESHED = """
            INSERT INTO metric_summary_refreshes (org_id, refreshed_at) VALUES ($1, now())
            ON CONFLICT (org_id) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at
            """;
    /** Days one refresh takes at most (the earliest first); the rest at the next tick. */
    static final int DAYS_PER_REFRESH = 62;
    private static final String LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('clp.summaries'), hashtext($1::text)) AS locked";
    private static final String MARKED = """
            SELECT metric_date, mark FROM metric_summary_dirty WHERE org_id = $1 ORDER BY metric_date LIMIT %d
            """.formatted(DAYS_PER_REFRESH);
    /** Removes the marks read, unless marked again since. $1 org, $2 days, $3 their marks. */
    private static final String CLEAR_MARKS = """
            WITH locked AS (
                -- in date order, as writers mark them: two transactions never wait for each other's rows crosswise
                SELECT d.metric_date FROM metric_summary_dirty d JOIN unnest($2::date[], $3::int8[]) AS t(day, mark)
                    ON d.metric_date = t.day AND d.mark = t.mark
                WHERE d.org_id = $1 ORDER BY d.metric_date FOR UPDATE OF d)
            DELETE FROM metric_summary_dirty d USING unnest($2::date[], $3::int8[]) AS t(day, mark)
            WHERE d.org_id = $1 AND d.metric_date = t.day AND d.mark = t.mark
              AND d.metric_date IN (SELECT metric_date FROM locked)
            """;
    private static final String CLEAR = "DELETE FROM metric_summaries WHERE org_id = $1 AND grain = $2 AND period_start = $3";

    /** $1 org, $2 period start, $3 period end, $4 grain. */
    static final String COMPUTE = """
            WITH src AS MATERIALIZED (
                SELECT m.client_id, c.dsp_type, m.currency, m.entity_level AS lvl, m.entity_id,
                       sum(m.impressions) AS i, sum(m.clicks) AS k, sum(m.conversions) AS v, sum(m.views) AS w,
                       sum(m.spend) AS s, sum(m.revenue) AS r, sum(m.billed_spend) AS b
                FROM campaign_metrics m JOIN campaigns c ON c.id = m.campaign_id
                WHERE m.org_id = $1 AND m.metric_date BETWEEN $2 AND $3 AND m.entity_level IN ('campaign', 'creative')
                GROUP BY m.client_id, c.dsp_type, m.currency, m.entity_level, m.entity_id),
            ranked AS (
                SELECT src.*,
                       row_number() OVER (PARTITION BY client_id, dsp_type, currency, lvl ORDER BY s DESC, entity_id) AS by_spend,
                       row_number() OVER (PARTITION BY client_id, dsp_type, currency, lvl ORDER BY v DESC, entity_id) AS by_conversions,
                       CASE WHEN s > 0 THEN row_number() OVER (PARTITION BY client_id, dsp_type, currency, lvl, s > 0
                                                               ORDER BY r / NULLIF(s, 0) DESC, entity_id) END AS by_roas
                FROM src),
            tops AS (
                SELECT client_id, dsp_type, currency, lvl,
                       jsonb_build_object(
                           'spend', coalesce(jsonb_agg(item ORDER BY by_spend) FILTER (WHERE by_spend <= %1$d), '[]'::jsonb),
                           'conversions', coalesce(jsonb_agg(item ORDER BY by_conversions) FILTER (WHERE by_conversions <= %1$d),
                                                   '[]'::jsonb),
                           'roas', coalesce(jsonb_agg(item ORDER BY by_roas) FILTER (WHERE by_roas <= %1$d), '[]'::jsonb)) AS top
                FROM (SELECT ranked.*, jsonb_build_object('id', entity_id, 'spend', s::numeric(26, 6)::text, 'conversions', v,
                                                          'revenue', r::numeric(26, 6)::text,
                                                          'roas', clp_metric_ratio(r, s, 6)::text) AS item
                      FROM ranked WHERE by_spend <= %1$d OR by_conversions <= %1$d OR by_roas <= %1$d) x
                GROUP BY client_id, dsp_type, currency, lvl),
            totals AS (
                SELECT client_id, dsp_type, currency, count(*)::int AS campaigns, sum(i)::bigint AS i, sum(k)::bigint AS k,
                       sum(v)::bigint AS v, sum(w)::bigint AS w, sum(s) AS s, sum(r) AS r, sum(b) AS b
                FROM src WHERE lvl = 'campaign'
                GROUP BY client_id, dsp_type, currency)
            INSERT INTO metric_summaries (org_id, grain, period_start, period_end, client_id, dsp_type, currency, campaigns,
                                          impressions, clicks, conversions, views, spend, revenue, billed_spend, billed_currency,
                                          top_campaigns, top_creatives, refreshed_at)
            SELECT $1, $4, $2, $3, t.client_id, t.dsp_type, t.currency, t.campaigns, t.i, t.k, t.v, t.w, t.s, t.r, t.b,
                   (SELECT cl.currency FROM clients cl WHERE cl.id = t.client_id),
                   coalesce(tc.top, '{}'::jsonb), coalesce(tr.top, '{}'::jsonb), now()
            FROM totals t
            LEFT JOIN tops tc ON tc.lvl = 'campaign' AND tc.client_id IS NOT DISTINCT FROM t.client_id
                             AND tc.dsp_type = t.dsp_type AND tc.currency = t.currency
            LEFT JOIN tops tr ON tr.lvl = 'creative' AND tr.client_id IS NOT DISTINCT FROM t.client_id
                             AND tr.dsp_type = t.dsp_type AND tr.currency = t.currency
            """.formatted(TOP);

    /** One period to recompute. */
    record Period(Grain grain, LocalDate start, LocalDate end) implements Comparable<Period> {
        @Override
        public int compareTo(Period o) {
            int c = grain.compareTo(o.grain);
            return c != 0 ? c : start.compareTo(o.start);
        }
    }

    private final Pool pool;
    private final PacingSnapshots pacing;
    private final int organizationsPerTick;
    private final Duration minInterval;

    SummaryRefresher(Pool pool, PacingSnapshots pacing,
                     @ConfigProperty(name = "clp.summaries.organizations-per-tick", defaultValue = "50") int organizationsPerTick,
                     @ConfigProperty(name = "clp.summaries.min-interval", defaultValue = "10s") Duration minInterval) {
        this.pool = pool;
        this.pacing = pacing;
        this.organizationsPerTick = organizationsPerTick;
        this.minInterval = minInterval;
    }

    @Scheduled(identity = "campaign-summaries", every = "${clp.summaries.refresh-every:2s}", delayed = "${clp.summaries.refresh-delay:3s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return refreshDue().onFailure().invoke(e -> LOG.warnf("summaries: refresh failed, the marked days stay and are tried again: %s",
                e.toString())).onFailure().recoverWithItem(0).replaceWithVoid();
    }

    /** Refreshes every organization with marked days (up to the per-tick limit); returns how many periods it recomputed. */
    Uni<Integer> refreshDue() {
        // one organization's failure is not the others': its marks stay, it is tried next tick
        return EachOrganization.run(pool, DUE, Tuple.of(organizationsPerTick, minInterval.toMillis() / 1000.0), this::refresh,
                (org, e) -> LOG.warnf("summaries: organization %s not refreshed, its marked days stay and are tried again: %s",
                        org, e.toString()));
    }

    /**
     * Recomputes the organization's earliest marked days (up to {@link #DAYS_PER_REFRESH}) and their weeks and months in
     * one transaction, then snapshots the pacing of the flights those days belong to (new metrics landed in them).
     */
    Uni<Integer> refresh(UUID orgId) {
        List<LocalDate> span = new ArrayList<>();
        return pool.withTransaction(conn -> conn.query(SCOPE).execute()
                .chain(() -> conn.preparedQuery(LOCK).execute(Tuple.of(orgId.toString())))
                .chain(locked -> {
                    if (!locked.iterator().next().getBoolean("locked")) {
                        return Uni.createFrom().item(0); // another instance refreshes it now
                    }
                    return conn.preparedQuery(MARKED).execute(Tuple.of(orgId)).chain(marked -> {
                        TreeSet<Period> periods = new TreeSet<>();
                        List<LocalDate> days = new ArrayList<>();
                        List<Long> marks = new ArrayList<>();
                        for (Row r : marked) {
                            LocalDate day = r.getLocalDate("metric_date");
                            days.add(day);
                            marks.add(r.getLong("mark"));
                            for (Grain g : Grain.values()) {
                                LocalDate start = g.start(day);
                                periods.add(new Period(g, start, g.end(start)));
                            }
                        }
                        if (days.isEmpty()) {
                            return Uni.createFrom().item(0);
                        }
                        span.add(days.get(0));
                        span.add(days.get(days.size() - 1));
                        return Multi.createFrom().iterable(periods).onItem()
                                .transformToUniAndConcatenate(p -> recompute(conn, orgId, p))
                                .collect().asList()
                                .call(() -> conn.preparedQuery(CLEAR_MARKS).execute(Tuple.of(orgId,
                                        days.toArray(LocalDate[]::new), marks.toArray(Long[]::new))))
                                .call(() -> conn.preparedQuery(REFRESHED).execute(Tuple.of(orgId)))
                                .map(List::size);
                    });
                }))
                // pacing of the flights those days belong to, once the summaries are committed: a pacing failure is
                // logged and left to the scheduled snapshot, it never holds the summaries back
                .call(count -> span.isEmpty() ? Uni.createFrom().voidItem() : pacing.afterMetrics(orgId, span.get(0), span.get(1))
                        .onFailure().invoke(e -> LOG.warnf("pacing: organization %s not snapshotted after new metrics: %s", orgId,
                                e.toString()))
                        .onFailure().recoverWithNull().replaceWithVoid());
    }

    private static Uni<Void> recompute(SqlConnection conn, UUID orgId, Period p) {
        return conn.preparedQuery(CLEAR).execute(Tuple.of(orgId, p.grain().id(), p.start()))
                .chain(() -> conn.preparedQuery(COMPUTE).execute(Tuple.of(orgId, p.start(), p.end(), p.grain().id())))
                .replaceWithVoid();
    }
}
