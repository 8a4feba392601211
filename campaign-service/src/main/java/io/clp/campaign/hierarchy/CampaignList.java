package io.clp.campaign.hierarchy;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The campaign list's page query, one SQL statement (two for a page that reaches the campaigns whose KPI is undefined)
 * whose rows are the campaigns already written as the API's JSON ({@link CampaignView}, with the period's totals), each
 * with its sort key as the cursor holds it. The list is a dashboard's hottest read: PostgreSQL writes each row's JSON
 * as it reads the row, so the service neither builds entities nor parses the JSON columns (pacing, labels) nor
 * serializes them again; it joins the rows into the page ({@link CampaignHierarchy#campaigns}).
 *
 * <p>Must run in a transaction that may see the organization's rows; the query names the organization too, so a row
 * of another one is never returned even if row-level security were off. Keyset on (sort key, id): the page after a
 * cursor starts strictly after the cursor's (key, id), so ties on the key are neither skipped nor repeated. Null keys
 * sort last in both directions. With a period, the list holds the campaigns with metrics in it; a page sorted by a KPI
 * is a range of that KPI's index (V17), the campaigns whose KPI is undefined following those whose KPI is not.
 */
final class CampaignList {

    /** One listed campaign: its JSON object, its sort key's text (null when it has none) and its id. */
    record Row(String json, String key, UUID id) {
    }

    /**
     * A campaign as {@link CampaignView} writes it: the same names, order and formats (amounts as decimal strings with
     * two to six decimals, instants as ISO-8601 in UTC), its null fields left out as the service's JSON leaves them out,
     * then its JSON columns as they are kept (their own nulls kept, which is why they join the object after the others).
     */
    private static final String CAMPAIGN = """
            left(json_strip_nulls(json_build_object('id', e.id, 'dspType', e.dsp_type, 'dspAccountId', e.dsp_account_id,
                'externalId', e.external_id, 'name', e.name, 'advertiserId', e.advertiser_id,
                'advertiserName', e.advertiser_name, 'status', e.status, 'nativeStatus', e.native_status,
                'budget', CASE WHEN e.budget IS NOT NULL THEN json_build_object(
                    'amount', round(e.budget, least(6, greatest(2, scale(trim_scale(e.budget)))))::text, 'currency', e.currency) END,
                'budgetType', e.budget_type, 'startDate', e.start_date, 'endDate', e.end_date,
                'removedAt', clp_json_instant(e.removed_at), 'syncVersion', e.sync_version,
                'lastSyncedAt', clp_json_instant(e.last_synced_at), 'dspUpdatedAt', clp_json_instant(e.dsp_updated_at),
                'createdAt', clp_json_instant(e.created_at), 'updatedAt', clp_json_instant(e.updated_at)))::text, -1)
            || ', "pacing" : ' || e.pacing::text || ', "labels" : ' || e.labels::text""";

    /**
     * A campaign's totals over the period as {@link CampaignView.PeriodTotals} writes them, nulls included: KPIs as exact
     * decimal strings.
     */
    private static final String TOTALS = """
            || ', "metrics" : ' || json_build_object('grain', m.grain, 'periodStart', m.period_start,
                'periodEnd', CAST(:periodEnd AS date), 'days', m.days, 'currency', m.currency, 'impressions', m.impressions,
                'clicks', m.clicks, 'conversions', m.conversions, 'views', m.views, 'spend', m.spend::text,
                'revenue', m.revenue::text, 'billedSpend', m.billed_spend::text, 'ctr', m.ctr::text, 'cpc', m.cpc::text,
                'cpm', m.cpm::text, 'cpa', m.cpa::text, 'cvr', m.cvr::text, 'roas', m.roas::text)::text""";

    private CampaignList() {
    }

    /** The page's rows, at most {@code limit + 1}: the extra row only tells that another page follows. */
    static Uni<List<Row>> rows(UUID orgId, CampaignQuery q) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("org", orgId);
        StringBuilder select = new StringBuilder("SELECT ").append(CAMPAIGN);
        StringBuilder where = new StringBuilder();
        if (q.period().isEmpty()) {
            select.append(" || '}', ").append(q.sort().cursorText).append(", e.id FROM campaigns e WHERE e.org_id = :org");
            filters(where, params, q);
            keysetOnCampaign(where, params, q);
            return page(select.append(where).toString(), params, q.limit() + 1);
        }
        CampaignQuery.Period period = q.period().get();
        select.append(TOTALS).append(" || '}', ").append(q.sort().cursorText).append(", e.id")
                .append(" FROM campaign_period_metrics m JOIN campaigns e ON e.id = m.campaign_id")
                .append(" WHERE m.org_id = :org AND m.grain = :grain AND m.period_start = :period AND e.org_id = :org");
        params.put("grain", period.grain().id());
        params.put("period", period.start());
        params.put("periodEnd", period.grain().end(period.start()));
        filters(where, params, q);
        for (int k = 0; k < q.kpis().size(); k++) {
            KpiFilter f = q.kpis().get(k);
            where.append(" AND ").append(f.kpi().column).append(' ').append(f.op().sql).append(" :kpi").append(k);
            params.put("kpi" + k, f.value());
        }
        if (!q.sort().kpi()) {
            keysetOnCampaign(where, params, q);
            return page(select.append(where).toString(), params, q.limit() + 1);
        }
        String key = q.sort().column;
        String direction = q.descending() ? " DESC" : " ASC";
        String cmp = q.descending() ? " < " : " > ";
        boolean inNulls = q.after().map(a -> a.value() == null).orElse(false);
        // the campaigns whose KPI is undefined, after all the others: by id, a plain range of the KPI's index (NULL key)
        StringBuilder nulls = new StringBuilder(select).append(where).append(" AND ").append(key).append(" IS NULL");
        Map<String, Object> nullParams = new LinkedHashMap<>(params);
        if (inNulls) {
            nulls.append(" AND m.campaign_id").append(cmp).append(":afterId");
            nullParams.put("afterId", q.after().get().id());
        }
        nulls.append(" ORDER BY m.campaign_id").append(direction);
        if (inNulls) {
            return page(nulls.toString(), nullParams, q.limit() + 1);
        }
        where.append(" AND ").append(key).append(" IS NOT NULL");
        q.after().ifPresent(after -> {
            where.append(" AND (").append(key).append(", m.campaign_id)").append(cmp).append("(:afterKey, :afterId)");
            params.put("afterKey", bindable(q.sort().read(after.value())));
            params.put("afterId", after.id());
        });
        where.append(" ORDER BY ").append(key).append(direction).append(", m.campaign_id").append(direction);
        Uni<List<Row>> valued = page(select.append(where).toString(), params, q.limit() + 1);
        if (!q.sort().nullable) {
            return valued;
        }
        return valued.chain(rows -> rows.size() > q.limit() ? Uni.createFrom().item(rows)
                : page(nulls.toString(), nullParams, q.limit() + 1 - rows.size()).map(more -> {
                    List<Row> all = new ArrayList<>(rows);
                    all.addAll(more);
                    return all;
                }));
    }

    /** Up to {@code max} rows of the query. */
    private static Uni<List<Row>> page(String sql, Map<String, Object> params, int max) {
        String limited = sql + " LIMIT " + max;
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(limited, Object[].class);
            params.forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> rows.stream().map(r -> new Row((String) r[0], (String) r[1], (UUID) r[2])).toList());
    }

    /** The list's conditions on the campaign itself. */
    private static void filters(StringBuilder where, Map<String, Object> params, CampaignQuery q) {
        in(where, params, "CAST(e.dsp_type AS text)", "dspType", q.dspTypes().stream().map(Enum::name).toList());
        q.dspAccountId().ifPresent(id -> condition(where, params, "e.dsp_account_id = :account", "account", id));
        in(where, params, "e.status", "status", q.statuses());
        q.advertiserId().ifPresent(id -> condition(where, params, "e.advertiser_id = :advertiser", "advertiser", id));
        // both sides lower-cased by PostgreSQL, so its case rules (not Java's) decide; the text's own % and _ match literally
        q.nameContains().ifPresent(text -> condition(where, params, "lower(e.name) LIKE lower(:name) ESCAPE '!'", "name",
                "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"));
        q.startDateFrom().ifPresent(d -> condition(where, params, "e.start_date >= :startFrom", "startFrom", d));
        q.startDateTo().ifPresent(d -> condition(where, params, "e.start_date <= :startTo", "startTo", d));
        q.endDateFrom().ifPresent(d -> condition(where, params, "e.end_date >= :endFrom", "endFrom", d));
        q.endDateTo().ifPresent(d -> condition(where, params, "e.end_date <= :endTo", "endTo", d));
        if (!q.includeRemoved()) {
            where.append(" AND e.removed_at IS NULL");
        }
    }

    /** A condition that the column is one of the values (none: no condition), a parameter each. */
    private static void in(StringBuilder where, Map<String, Object> params, String column, String name, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        where.append(" AND ").append(column).append(" IN (");
        for (int i = 0; i < values.size(); i++) {
            where.append(i == 0 ? ":" : ", :").append(name).append(i);
            params.put(name + i, values.get(i));
        }
        where.append(')');
    }

    /** The keyset condition and order of a sort by a column of the campaign. */
    private static void keysetOnCampaign(StringBuilder where, Map<String, Object> params, CampaignQuery q) {
        String key = q.sort().column;
        String cmp = q.descending() ? "<" : ">";
        q.after().ifPresent(after -> {
            params.put("afterId", after.id());
            if (after.value() == null) {
                where.append(" AND (").append(key).append(" IS NULL AND e.id ").append(cmp).append(" :afterId)");
            } else {
                params.put("afterKey", bindable(q.sort().read(after.value())));
                where.append(" AND (").append(key).append(' ').append(cmp).append(" :afterKey OR (").append(key)
                        .append(" = :afterKey AND e.id ").append(cmp).append(" :afterId)");
                if (q.sort().nullable) {
                    where.append(" OR ").append(key).append(" IS NULL");
                }
                where.append(')');
            }
        });
        String direction = q.descending() ? " DESC" : " ASC";
        where.append(" ORDER BY ").append(key).append(direction).append(" NULLS LAST, e.id").append(direction);
    }

    private static void condition(StringBuilder where, Map<String, Object> params, String condition, String name, Object value) {
        where.append(" AND ").append(condition);
        params.put(name, value);
    }

    /** A cursor's key as the driver binds it to a {@code timestamptz} column: an instant at UTC. */
    private static Object bindable(Object key) {
        return key instanceof Instant i ? OffsetDateTime.ofInstant(i, ZoneOffset.UTC) : key;
    }
}
