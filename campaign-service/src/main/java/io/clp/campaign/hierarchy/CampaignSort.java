package io.clp.campaign.hierarchy;

import io.clp.platform.problem.Problems;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The orders a campaign list can be sorted in: each a campaign column or a KPI of the period the list is asked for,
 * its SQL (the list's query names the campaign {@code e} and its period's totals {@code m}), how its cursor value is
 * read back, and whether it may be null (a null sorts last in
 * either direction, then the id breaks ties). The KPIs are also what the list filters by.
 */
enum CampaignSort {
    NAME("name", "e.name", false, v -> v),
    START_DATE("startDate", "e.start_date", true, LocalDate::parse),
    END_DATE("endDate", "e.end_date", true, LocalDate::parse),
    BUDGET("budget", "e.budget", true, CampaignSort::decimal),
    UPDATED_AT("updatedAt", "e.updated_at", false, Instant::parse),
    CREATED_AT("createdAt", "e.created_at", false, Instant::parse),
    IMPRESSIONS("impressions", "m.impressions", false, Long::valueOf),
    CLICKS("clicks", "m.clicks", false, Long::valueOf),
    CONVERSIONS("conversions", "m.conversions", false, Long::valueOf),
    VIEWS("views", "m.views", false, Long::valueOf),
    SPEND("spend", "m.spend", false, CampaignSort::decimal),
    REVENUE("revenue", "m.revenue", false, CampaignSort::decimal),
    BILLED_SPEND("billedSpend", "m.billed_spend", true, CampaignSort::decimal),
    CTR("ctr", "m.ctr", true, CampaignSort::decimal),
    CPC("cpc", "m.cpc", true, CampaignSort::decimal),
    CPM("cpm", "m.cpm", true, CampaignSort::decimal),
    CPA("cpa", "m.cpa", true, CampaignSort::decimal),
    CVR("cvr", "m.cvr", true, CampaignSort::decimal),
    ROAS("roas", "m.roas", true, CampaignSort::decimal);

    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,30}(\\.\\d{1,9})?");

    final String id;
    /** The sort key in the list's query. */
    final String column;
    final boolean nullable;
    private final Function<String, Object> parse;

    CampaignSort(String id, String column, boolean nullable, Function<String, Object> parse) {
        this.id = id;
        this.column = column;
        this.nullable = nullable;
        this.parse = parse;
    }

    /** A KPI of the period's metrics, rather than a column of the campaign. */
    boolean kpi() {
        return column.startsWith("m.");
    }

    static String ids() {
        return Arrays.stream(values()).map(s -> s.id).collect(Collectors.joining(", "));
    }

    static String kpiIds() {
        return Arrays.stream(values()).filter(CampaignSort::kpi).map(s -> s.id).collect(Collectors.joining(", "));
    }

    static CampaignSort parse(String id) {
        if (id == null || id.isBlank()) {
            return NAME;
        }
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                .orElseThrow(() -> Problems.validation("sort", "must be one of " + ids()));
    }

    /** A cursor's (or a filter's) value as the query binds it; fails on text that is not one. */
    Object read(String text) {
        return parse.apply(text);
    }

    /**
     * A plain decimal of at most 30 integer and 9 fractional digits: what any amount or KPI can be, and all that a
     * cursor or a filter may bind (an exponent such as 1e999999 would otherwise reach the database).
     */
    private static BigDecimal decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new NumberFormatException("not a plain decimal: " + text);
        }
        return new BigDecimal(text);
    }
}
