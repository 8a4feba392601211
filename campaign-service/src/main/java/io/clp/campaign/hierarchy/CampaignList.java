package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.clp.campaign.query.ColumnValues;
import io.clp.platform.tx.SessionSql;
import io.clp.platform.tx.SqlParams;
import io.smallrye.mutiny.Uni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The campaign list's page query, one SQL statement (two for a page that reaches the campaigns whose KPI is undefined)
 * over plain columns, and the page's JSON ({@link CampaignView}s, with the period's totals) written from those columns
 * by one streaming generator: the list is a dashboard's hottest read, so a page builds no entities, parses no JSON
 * columns (pacing and labels are copied as PostgreSQL keeps them) and goes through no object mapper. Each row carries
 * its sort key as the cursor holds it.
 *
 * <p>Must run in a transaction that may see the organization's rows; the query names the organization too, so a row
 * of another one is never returned even if row-level security were off. Keyset on (sort key, id): the page after a
 * cursor starts strictly after the cursor's (key, id), so ties on the key are neither skipped nor repeated. Null keys
 * sort last in both directions. With a period, the list holds the campaigns with metrics in it; a page sorted by a KPI
 * is a range of that KPI's index (V17), the campaigns whose KPI is undefined following those whose KPI is not.
 */
final class CampaignList {

    /** One listed campaign: its columns as read, its sort key's text (null when it has none) and its id. */
    record Row(Object[] columns, String key, UUID id) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The campaign's columns, in the order {@link #write} reads them. */
    private static final String CAMPAIGN = "e.id, CAST(e.dsp_type AS text), e.dsp_account_id, e.external_id, e.name, e.advertiser_id,"
            + " e.advertiser_name, e.status, e.native_status, e.budget, e.currency, e.budget_type, e.start_date, e.end_date,"
            + " e.removed_at, e.sync_version, e.last_synced_at, e.dsp_updated_at, e.created_at, e.updated_at,"
            + " CAST(e.pacing AS text), CAST(e.labels AS text)";
    private static final int CAMPAIGN_COLUMNS = 22;

    /** The period's totals, after the campaign's columns. */
    private static final String TOTALS = ", m.grain, m.period_start, m.days, m.currency AS totals_currency, m.impressions, m.clicks,"
            + " m.conversions, m.views, m.spend, m.revenue, m.billed_spend, m.ctr, m.cpc, m.cpm, m.cpa, m.cvr, m.roas";

    /** The campaign's text fields, in the order selected. */
    private static final SerializedString[] TEXTS = names("id", "dspType", "dspAccountId", "externalId", "name", "advertiserId",
            "advertiserName", "status", "nativeStatus");
    /** The totals' fields after periodEnd (which the query does not read: it is the period's), in the order selected. */
    private static final SerializedString[] TOTALS_COUNTS = names("impressions", "clicks", "conversions", "views");
    private static final SerializedString[] TOTALS_AMOUNTS = names("spend", "revenue", "billedSpend", "ctr", "cpc", "cpm", "cpa",
            "cvr", "roas");
    private static final SerializedString ITEMS = new SerializedString("items");
    private static final SerializedString NEXT_CURSOR = new SerializedString("nextCursor");
    private static final SerializedString BUDGET = new SerializedString("budget");
    private static final SerializedString AMOUNT = new SerializedString("amount");
    private static final SerializedString CURRENCY = new SerializedString("currency");
    private static final SerializedString BUDGET_TYPE = new SerializedString("budgetType");
    private static final SerializedString START_DATE = new SerializedString("startDate");
    private static final SerializedString END_DATE = new SerializedString("endDate");
    private static final SerializedString REMOVED_AT = new SerializedString("removedAt");
    private static final SerializedString SYNC_VERSION = new SerializedString("syncVersion");
    private static final SerializedString LAST_SYNCED_AT = new SerializedString("lastSyncedAt");
    private static final SerializedString DSP_UPDATED_AT = new SerializedString("dspUpdatedAt");
    private static final SerializedString CREATED_AT = new SerializedString("createdAt");
    private static final SerializedString UPDATED_AT = new SerializedString("updatedAt");
    private static final SerializedString PACING = new SerializedString("pacing");
    private static final SerializedString LABELS = new SerializedString("labels");
    private static final SerializedString METRICS = new SerializedString("metrics");
    private static final SerializedString GRAIN = new SerializedString("grain");
    private static final SerializedString PERIOD_START = new SerializedString("periodStart");
    private static final SerializedString PERIOD_END = new SerializedString("periodEnd");
    private static final SerializedString DAYS = new SerializedString("days");

    /** About what one campaign's JSON takes, with its totals: the page's buffer is sized for its items at once. */
    private static final int ROW_BYTES = 900;

    /**
     * A page sorted by a KPI whose other filters are only on the campaigns' DSP type and status runs on its statement's
     * generic plan, for the rest of its (read-only) transaction: the KPI's index scanned in order from the cursor, for
     * one organization, grain and period, the campaigns joined by id, until the page is full. Left to choose, PostgreSQL
     * plans each execution again with its values, as the generic plan's estimate for a LIMIT over unknown values is the
     * higher: about 0.45 ms of planning a page (the table has an index per KPI) against 0.2 to 0.3 ms of execution, for
     * the same plan. The cost of the choice is bounded: a filter that few campaigns pass (a rare status, a KPI threshold
     * almost none reach) reads the organization's whole range of the index for the period, which is what PostgreSQL's
     * own plan does for a KPI threshold (about 30 ms for 100,000 campaigns). A filter whose values can make another
     * index the better start (name, advertiser, DSP account, dates) leaves the plan to PostgreSQL.
     */
    static final String GENERIC_PLANS = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";

    private CampaignList() {
    }

    /** The page's rows, at most {@code limit + 1}: the extra row only tells that another page follows. */
    static Uni<List<Row>> rows(UUID orgId, CampaignQuery q) {
        SqlParams params = new SqlParams();
        String org = params.bind(orgId);
        StringBuilder select = new StringBuilder("SELECT ").append(CAMPAIGN);
        StringBuilder where = new StringBuilder();
        if (q.period().isEmpty()) {
            select.append(", ").append(q.sort().column).append(" AS sort_key FROM campaigns e WHERE e.org_id = ").append(org);
            filters(where, params, q);
            keysetOnCampaign(where, params, q);
            return page(select.append(where), params, q.limit() + 1);
        }
        CampaignQuery.Period period = q.period().get();
        select.append(TOTALS).append(", ").append(q.sort().column).append(" AS sort_key")
                .append(" FROM campaign_period_metrics m JOIN campaigns e ON e.id = m.campaign_id")
                .append(" WHERE m.org_id = ").append(org).append(" AND m.grain = ").append(params.bind(period.grain().id()))
                .append(" AND m.period_start = ").append(params.bind(period.start())).append(" AND e.org_id = ").append(org);
        filters(where, params, q);
        for (KpiFilter f : q.kpis()) {
            where.append(" AND ").append(f.kpi().column).append(' ').append(f.op().sql).append(' ').append(params.bind(f.value()));
        }
        if (!q.sort().kpi()) {
            keysetOnCampaign(where, params, q);
            return page(select.append(where), params, q.limit() + 1);
        }
        if (!genericPlanFits(q)) {
            return kpiPage(select, where, params, q);
        }
        // the setting and the page go out together: one round trip
        return SessionSql.behind(SessionSql.update(GENERIC_PLANS), () -> kpiPage(select, where, params, q));
    }

    /** Whether a page sorted by a KPI may run on its generic plan ({@link #GENERIC_PLANS}): no filter that picks an index. */
    static boolean genericPlanFits(CampaignQuery q) {
        return q.nameContains().isEmpty() && q.advertiserId().isEmpty() && q.dspAccountId().isEmpty()
                && q.startDateFrom().isEmpty() && q.startDateTo().isEmpty() && q.endDateFrom().isEmpty() && q.endDateTo().isEmpty();
    }

    /** A page sorted by a KPI: a range of that KPI's index, then the campaigns whose KPI is undefined. */
    private static Uni<List<Row>> kpiPage(StringBuilder select, StringBuilder where, SqlParams params, CampaignQuery q) {
        String key = q.sort().column;
        String direction = q.descending() ? " DESC" : " ASC";
        String cmp = q.descending() ? " < " : " > ";
        boolean inNulls = q.after().map(a -> a.value() == null).orElse(false);
        // the campaigns whose KPI is undefined, after all the others: by id, a plain range of the KPI's index (NULL key)
        StringBuilder nulls = new StringBuilder(select).append(where).append(" AND ").append(key).append(" IS NULL");
        SqlParams nullParams = params.copy();
        if (inNulls) {
            nulls.append(" AND m.campaign_id").append(cmp).append(nullParams.bind(q.after().get().id()));
        }
        nulls.append(" ORDER BY m.campaign_id").append(direction);
        if (inNulls) {
            return page(nulls, nullParams, q.limit() + 1);
        }
        where.append(" AND ").append(key).append(" IS NOT NULL");
        q.after().ifPresent(after -> where.append(" AND (").append(key).append(", m.campaign_id)").append(cmp)
                .append('(').append(params.bind(bindable(q.sort().read(after.value())))).append(", ")
                .append(params.bind(after.id())).append(')'));
        where.append(" ORDER BY ").append(key).append(direction).append(", m.campaign_id").append(direction);
        Uni<List<Row>> valued = page(select.append(where), params, q.limit() + 1);
        if (!q.sort().nullable) {
            return valued;
        }
        return valued.chain(rows -> rows.size() > q.limit() ? Uni.createFrom().item(rows)
                : page(nulls, nullParams, q.limit() + 1 - rows.size()).map(more -> {
                    List<Row> all = new ArrayList<>(rows);
                    all.addAll(more);
                    return all;
                }));
    }

    /**
     * Up to {@code max} rows of the query. The limit is bound as a parameter, as every value of the list is, so that
     * each shape of the query is one statement text whatever the page size (and the undefined KPIs' remainder of a
     * page). The query runs on the unit of work's
     * connection without the ORM ({@link SessionSql}): the list's unit of work only reads.
     */
    private static Uni<List<Row>> page(StringBuilder sql, SqlParams params, int max) {
        SqlParams bound = params.copy();
        String limited = sql + " LIMIT " + bound.bind((long) max);
        return SessionSql.rows(limited, bound.values())
                .map(rows -> rows.stream().map(r -> new Row(r, cursorText(r[r.length - 1]), (UUID) r[0])).toList());
    }

    /**
     * The page's JSON, as UTF-8: its items as {@link CampaignView} writes them (the same names, order and formats: amounts
     * by {@link Budget}, instants and dates as Java writes them; null fields left out as the service's JSON leaves them
     * out, the totals with their nulls as {@link CampaignView.PeriodTotals} writes them), then the next page's cursor,
     * left out on the last page as on every page of the API. One generator writes the whole page, each field's name
     * encoded once for all pages.
     */
    static byte[] json(List<Row> items, CampaignQuery q, String nextCursor) {
        LocalDate periodEnd = q.period().map(p -> p.grain().end(p.start())).orElse(null);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + ROW_BYTES * items.size());
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeFieldName(ITEMS);
            json.writeStartArray();
            for (Row item : items) {
                write(json, item.columns(), periodEnd);
            }
            json.writeEndArray();
            if (nextCursor != null) {
                json.writeFieldName(NEXT_CURSOR);
                json.writeString(nextCursor);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** One campaign's object; {@code periodEnd} the last day of the period, null without one. */
    private static void write(JsonGenerator json, Object[] c, LocalDate periodEnd) throws IOException {
        json.writeStartObject();
        for (int i = 0; i < TEXTS.length; i++) {
            text(json, TEXTS[i], c[i]);
        }
        Budget budget = Budget.of((BigDecimal) c[9], (String) c[10]);
        if (budget != null) {
            json.writeFieldName(BUDGET);
            json.writeStartObject();
            text(json, AMOUNT, budget.amount());
            text(json, CURRENCY, budget.currency());
            json.writeEndObject();
        }
        text(json, BUDGET_TYPE, c[11]);
        text(json, START_DATE, c[12]);
        text(json, END_DATE, c[13]);
        text(json, REMOVED_AT, ColumnValues.instant(c[14]));
        json.writeFieldName(SYNC_VERSION);
        json.writeNumber(((Number) c[15]).intValue());
        text(json, LAST_SYNCED_AT, ColumnValues.instant(c[16]));
        text(json, DSP_UPDATED_AT, ColumnValues.instant(c[17]));
        text(json, CREATED_AT, ColumnValues.instant(c[18]));
        text(json, UPDATED_AT, ColumnValues.instant(c[19]));
        json.writeFieldName(PACING);
        json.writeRawValue((String) c[20]);
        json.writeFieldName(LABELS);
        json.writeRawValue((String) c[21]);
        if (periodEnd != null) {
            int t = CAMPAIGN_COLUMNS;
            json.writeFieldName(METRICS);
            json.writeStartObject();
            json.writeFieldName(GRAIN);
            json.writeString((String) c[t]);
            json.writeFieldName(PERIOD_START);
            json.writeString(c[t + 1].toString());
            json.writeFieldName(PERIOD_END);
            json.writeString(periodEnd.toString());
            json.writeFieldName(DAYS);
            json.writeNumber(((Number) c[t + 2]).intValue());
            json.writeFieldName(CURRENCY);
            json.writeString((String) c[t + 3]);
            for (int i = 0; i < TOTALS_COUNTS.length; i++) {
                json.writeFieldName(TOTALS_COUNTS[i]);
                json.writeNumber(((Number) c[t + 4 + i]).longValue());
            }
            for (int i = 0; i < TOTALS_AMOUNTS.length; i++) {
                Object amount = c[t + 4 + TOTALS_COUNTS.length + i];
                json.writeFieldName(TOTALS_AMOUNTS[i]);
                if (amount == null) {
                    json.writeNull();
                } else {
                    json.writeString(((BigDecimal) amount).toPlainString());
                }
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** A field of the value's text (a UUID's, a date's, an instant's ISO form), left out when null. */
    private static void text(JsonGenerator json, SerializedString name, Object value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            json.writeString(value.toString());
        }
    }

    private static SerializedString[] names(String... names) {
        return Arrays.stream(names).map(SerializedString::new).toArray(SerializedString[]::new);
    }

    /** The sort key's text as the cursor holds it and {@link CampaignSort#read} reads it back; null when it has none. */
    private static String cursorText(Object key) {
        if (key == null) {
            return null;
        }
        if (key instanceof BigDecimal d) {
            return d.toPlainString();
        }
        Instant instant = ColumnValues.instant(key);
        return instant != null ? instant.toString() : key.toString();
    }

    /** The list's conditions on the campaign itself. */
    private static void filters(StringBuilder where, SqlParams params, CampaignQuery q) {
        in(where, params, "CAST(e.dsp_type AS text)", q.dspTypes().stream().map(Enum::name).toList());
        q.dspAccountId().ifPresent(id -> where.append(" AND e.dsp_account_id = ").append(params.bind(id)));
        in(where, params, "e.status", q.statuses());
        q.advertiserId().ifPresent(id -> where.append(" AND e.advertiser_id = ").append(params.bind(id)));
        // both sides lower-cased by PostgreSQL, so its case rules (not Java's) decide; the text's own % and _ match literally
        q.nameContains().ifPresent(text -> where.append(" AND lower(e.name) LIKE lower(")
                .append(params.bind("%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"))
                .append(") ESCAPE '!'"));
        q.startDateFrom().ifPresent(d -> where.append(" AND e.start_date >= ").append(params.bind(d)));
        q.startDateTo().ifPresent(d -> where.append(" AND e.start_date <= ").append(params.bind(d)));
        q.endDateFrom().ifPresent(d -> where.append(" AND e.end_date >= ").append(params.bind(d)));
        q.endDateTo().ifPresent(d -> where.append(" AND e.end_date <= ").append(params.bind(d)));
        if (!q.includeRemoved()) {
            where.append(" AND e.removed_at IS NULL");
        }
    }

    /** A condition that the column is one of the values (none: no condition), a parameter each. */
    private static void in(StringBuilder where, SqlParams params, String column, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        where.append(" AND ").append(column).append(" IN (");
        for (int i = 0; i < values.size(); i++) {
            where.append(i == 0 ? "" : ", ").append(params.bind(values.get(i)));
        }
        where.append(')');
    }

    /** The keyset condition and order of a sort by a column of the campaign. */
    private static void keysetOnCampaign(StringBuilder where, SqlParams params, CampaignQuery q) {
        String key = q.sort().column;
        String cmp = q.descending() ? "<" : ">";
        q.after().ifPresent(after -> {
            String afterId = params.bind(after.id());
            if (after.value() == null) {
                where.append(" AND (").append(key).append(" IS NULL AND e.id ").append(cmp).append(' ').append(afterId).append(')');
            } else {
                String afterKey = params.bind(bindable(q.sort().read(after.value())));
                where.append(" AND (").append(key).append(' ').append(cmp).append(' ').append(afterKey).append(" OR (").append(key)
                        .append(" = ").append(afterKey).append(" AND e.id ").append(cmp).append(' ').append(afterId).append(')');
                if (q.sort().nullable) {
                    where.append(" OR ").append(key).append(" IS NULL");
                }
                where.append(')');
            }
        });
        String direction = q.descending() ? " DESC" : " ASC";
        where.append(" ORDER BY ").append(key).append(direction).append(" NULLS LAST, e.id").append(direction);
    }

    /** A cursor's key as the driver binds it to a {@code timestamptz} column: an instant at UTC. */
    private static Object bindable(Object key) {
        return key instanceof Instant i ? OffsetDateTime.ofInstant(i, ZoneOffset.UTC) : key;
    }
}
