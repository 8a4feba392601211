package io.clp.campaign.metrics;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.UUID;

/**
 * A campaign's daily metrics at one level of its hierarchy, their totals per currency, and what they bill its client. Amounts and KPIs are exact
 * decimal strings (6 fractional digits); a KPI whose denominator is zero is null. Totals' KPIs are computed from the
 * totals, never averaged from the days'. Nulls are written, not left out: a KPI that is undefined says so.
 */
public record CampaignMetricsView(UUID campaignId, String level, String from, String to, List<Day> days, List<Total> totals,
                                  List<Billing> billing) {

    /** One entity's numbers on one day. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Day(String level, UUID entityId, String date, long impressions, long clicks, long conversions, long views,
                      String spend, String currency, String revenue, String ctr, String cpc, String cpm, String cpa, String cvr,
                      String roas, String dataQualityScore, boolean hasDataIssues, String billedCpm, String billedSpend) {
    }

    /**
     * What the range bills the campaign's client: the CPM-adjusted spend (impressions / 1000 x the client's CPM in effect
     * each day, exact, 7 fractional digits) in the client's currency, and how many day rows had no CPM in effect.
     * Empty when the campaign's rows belong to no client.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Billing(UUID clientId, String currency, String billedSpend, long unbilledRows) {
    }

    /** The range's sums in one currency, with their KPIs. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Total(String currency, long impressions, long clicks, long conversions, long views, String spend,
                        String revenue, String ctr, String cpc, String cpm, String cpa, String cvr, String roas) {
    }
}
