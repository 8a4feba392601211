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
 * how its cursor value is written and read back, and whether it may be null (a null sorts last in either direction,
 * then the id breaks ties). The KPIs are also what the list filters by.
 */
enum CampaignSort {
    NAME("name", "e.name", false, r -> r.campaign().name, v -> v),
    START_DATE("startDate", "e.startDate", true, r -> r.campaign().startDate, LocalDate::parse),
    END_DATE("endDate", "e.endDate", true, r -> r.campaign().endDate, LocalDate::parse),
    BUDGET("budget", "e.budget", true, r -> r.campaign().budget == null ? null : r.campaign().budget.toPlainString(), CampaignSort::decimal),
    UPDATED_AT("updatedAt", "e.updatedAt", false, r -> r.campaign().updatedAt, Instant::parse),
    CREATED_AT("createdAt", "e.createdAt", false, r -> r.campaign().createdAt, Instant::parse),
    IMPRESSIONS("impressions", "m.impressions", false, r -> r.metrics().impressions, Long::valueOf),
    CLICKS("clicks", "m.clicks", false, r -> r.metrics().clicks, Long::valueOf),
    CONVERSIONS("conversions", "m.conversions", false, r -> r.metrics().conversions, Long::valueOf),
    VIEWS("views", "m.views", false, r -> r.metrics().views, Long::valueOf),
    SPEND("spend", "m.spend", false, r -> plain(r.metrics().spend), CampaignSort::decimal),
    REVENUE("revenue", "m.revenue", false, r -> plain(r.metrics().revenue), CampaignSort::decimal),
    BILLED_SPEND("billedSpend", "m.billedSpend", true, r -> plain(r.metrics().billedSpend), CampaignSort::decimal),
    CTR("ctr", "m.ctr", true, r -> plain(r.metrics().ctr), CampaignSort::decimal),
    CPC("cpc", "m.cpc", true, r -> plain(r.metrics().cpc), CampaignSort::decimal),
    CPM("cpm", "m.cpm", true, r -> plain(r.metrics().cpm), CampaignSort::decimal),
    CPA("cpa", "m.cpa", true, r -> plain(r.metrics().cpa), CampaignSort::decimal),
    CVR("cvr", "m.cvr", true, r -> plain(r.metrics().cvr), CampaignSort::decimal),
    ROAS("roas", "m.roas", true, r -> plain(r.metrics().roas), CampaignSort::decimal);

    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,30}(\\.\\d{1,9})?");

    final String id;
    /** The sort key in the list's query: {@code e} is the campaign, {@code m} its period's metrics. */
    final String path;
    final boolean nullable;
    private final Function<ListedCampaign, Object> value;
    private final Function<String, Object> parse;

    CampaignSort(String id, String path, boolean nullable, Function<ListedCampaign, Object> value, Function<String, Object> parse) {
        this.id = id;
        this.path = path;
        this.nullable = nullable;
        this.value = value;
        this.parse = parse;
    }

    /** A KPI of the period's metrics, rather than a column of the campaign. */
    boolean kpi() {
        return path.startsWith("m.");
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

    /** The row's sort key as the cursor writes it; null when it has none. */
    String valueOf(ListedCampaign row) {
        Object v = value.apply(row);
        return v == null ? null : v.toString();
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

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }
}
