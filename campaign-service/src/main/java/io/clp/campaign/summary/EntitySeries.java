package io.clp.campaign.summary;

import io.clp.campaign.query.QueryEntity;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.SessionSql;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One entity's metrics as a time series per day, week or month, with each period's previous for comparison: the
 * entity's daily rows, each day its own point or summed per week or month (at most 3,660 rows a series, read by the
 * primary key). Needs
 * {@code metrics:read} or a view grant on the entity's campaign, as the daily metrics do; another organization's
 * campaign is a 404, an entity without rows under this campaign (one of another campaign too) an empty series. The
 * campaign and the current points are one statement, read before the grant check: a caller the check refuses (403)
 * gets none of them.
 */
@Singleton
public class EntitySeries {

    static final List<String> LEVELS = List.of("campaign", "insertion_order", "line_item", "creative");

    /**
     * The campaign, looked up within the organization, and the entity's points beside it, in one statement: no row when
     * the organization holds no such campaign (404), one row of nulls when it has no points in the range.
     */
    private static final String POINTS = """
            SELECT s.* FROM campaigns e
            LEFT JOIN LATERAL (
                SELECT p.start, p.start + %2$s AS period_end, NULL::uuid, NULL::text, NULL::text, m.currency,
                       c.currency AS billed_currency, 1, sum(m.impressions), sum(m.clicks), sum(m.conversions), sum(m.views),
                       sum(m.spend), sum(m.revenue), sum(m.billed_spend)
                FROM campaign_metrics m
                CROSS JOIN LATERAL (SELECT %1$s AS start) p
                LEFT JOIN clients c ON c.id = m.client_id
                WHERE m.entity_level = $1 AND m.entity_id = $2 AND m.metric_date BETWEEN $3 AND $4
                  AND m.org_id = e.org_id AND m.campaign_id = e.id
                GROUP BY p.start, m.currency, c.currency) s ON true
            WHERE e.id = $5 AND e.org_id = $6
            ORDER BY 1, 6, 7
            """;

    /**
     * {@link #POINTS} by day, where each point is one row: the metrics hold one row per entity and day (their key), so
     * there is nothing to add up, group or sort but the days themselves. The columns are the same.
     */
    private static final String DAILY_POINTS = """
            SELECT s.* FROM campaigns e
            LEFT JOIN LATERAL (
                SELECT m.metric_date AS start, m.metric_date AS period_end, NULL::uuid, NULL::text, NULL::text, m.currency,
                       c.currency AS billed_currency, 1, m.impressions, m.clicks, m.conversions, m.views,
                       m.spend, m.revenue, m.billed_spend
                FROM campaign_metrics m
                LEFT JOIN clients c ON c.id = m.client_id
                WHERE m.entity_level = $1 AND m.entity_id = $2 AND m.metric_date BETWEEN $3 AND $4
                  AND m.org_id = e.org_id AND m.campaign_id = e.id) s ON true
            WHERE e.id = $5 AND e.org_id = $6
            ORDER BY 1
            """;

    /** The points' statement for each grain, written once. */
    private static final Map<Grain, String> POINTS_BY_GRAIN = new EnumMap<>(Grain.class);

    static {
        for (Grain grain : Grain.values()) {
            // where a period starts, and how many days after its start it ends
            POINTS_BY_GRAIN.put(grain, switch (grain) {
                case DAY -> DAILY_POINTS;
                case WEEK -> POINTS.formatted("date_trunc('week', m.metric_date)::date", "6");
                case MONTH -> POINTS.formatted("date_trunc('month', m.metric_date)::date", "((p.start + interval '1 month')::date - p.start - 1)");
            });
        }
    }

    private final OrganizationWork work;

    EntitySeries(OrganizationWork work) {
        this.work = work;
    }

    public Uni<SummaryViews.Series> series(UUID orgId, UUID campaignId, String level, String entityId, SummaryQuery q) {
        QueryEntity named = QueryEntity.parse(level, entityId, campaignId, LEVELS, "must be one of " + String.join(", ", LEVELS));
        String lvl = named.level();
        UUID entity = named.id();
        if (lvl.equals("campaign") && !entity.equals(campaignId)) {
            throw Problems.validation("entityId", "at level campaign the entity is the campaign itself");
        }
        // the campaign and the current points are read together: a read the grants then refuse (403) returns nothing
        return work.onEntity(orgId, Permission.METRICS_READ, "campaign", campaignId, () -> points(orgId, campaignId, lvl, entity, q),
                current -> q.comparePrevious()
                        // the campaign was seen in this transaction; were it gone since, it has no previous points
                        ? points(orgId, campaignId, lvl, entity, q.previousPeriods())
                                .map(previous -> Summaries.compared(q, current, previous == null ? Map.of() : previous))
                        : Uni.createFrom().item(current))
                .map(groups -> new SummaryViews.Series(campaignId, lvl, entity, q.grain().id(), q.from().toString(), q.to().toString(),
                        Summaries.periods(groups)));
    }

    /** The entity's points in the query's range; null when the organization holds no such campaign. */
    private static Uni<Map<Summaries.Key, SummaryViews.Group>> points(UUID orgId, UUID campaignId, String level, UUID entity,
                                                                     SummaryQuery q) {
        String sql = POINTS_BY_GRAIN.get(q.grain());
        return SessionSql.rows(sql, level, entity, q.from(), q.grain().end(q.grain().start(q.to())), campaignId, orgId)
                .map(rows -> rows.isEmpty() ? null : Summaries.fold(rows.get(0)[0] == null ? List.of() : rows));
    }
}
