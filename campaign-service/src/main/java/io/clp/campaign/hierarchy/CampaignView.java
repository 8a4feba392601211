package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import io.clp.campaign.summary.Grain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** A campaign as the API shows it; {@code children} only when one campaign is read, {@code metrics} only in a list over a period. */
public record CampaignView(UUID id, String dspType, UUID dspAccountId, String externalId, String name,
                           String advertiserId, String advertiserName, String status, String nativeStatus,
                           Budget budget, String budgetType, LocalDate startDate, LocalDate endDate,
                           Map<String, Object> pacing, JsonNode labels, Instant removedAt, int syncVersion,
                           Instant lastSyncedAt, Instant dspUpdatedAt, Instant createdAt, Instant updatedAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Counts children,
                           @JsonInclude(JsonInclude.Include.NON_NULL) PeriodTotals metrics) {

    /**
     * The campaign's totals over the week or month the list was asked for, with their KPIs (exact decimal strings, null
     * on a zero denominator); billed spend in its client's currency, null when no day had a CPM in effect.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PeriodTotals(String grain, LocalDate periodStart, LocalDate periodEnd, int days, String currency,
                               long impressions, long clicks, long conversions, long views, String spend, String revenue,
                               String billedSpend, String ctr, String cpc, String cpm, String cpa, String cvr, String roas) {

        static PeriodTotals of(PeriodMetrics m) {
            Grain grain = Grain.valueOf(m.grain.toUpperCase(Locale.ROOT));
            return new PeriodTotals(m.grain, m.periodStart, grain.end(m.periodStart), m.days, m.currency, m.impressions, m.clicks,
                    m.conversions, m.views, plain(m.spend), plain(m.revenue), plain(m.billedSpend), plain(m.ctr), plain(m.cpc),
                    plain(m.cpm), plain(m.cpa), plain(m.cvr), plain(m.roas));
        }

        private static String plain(BigDecimal value) {
            return value == null ? null : value.toPlainString();
        }
    }

    static CampaignView of(Campaign c, Counts children) {
        return of(c, children, null);
    }

    static CampaignView of(Campaign c, Counts children, PeriodMetrics metrics) {
        return new CampaignView(c.id, c.dspType.name(), c.dspAccountId, c.externalId, c.name, c.advertiserId,
                c.advertiserName, c.status, c.nativeStatus, Budget.of(c.budget, c.currency), c.budgetType, c.startDate,
                c.endDate, c.pacing, Labels.parse(c.labels), c.removedAt, c.syncVersion, c.lastSyncedAt, c.dspUpdatedAt, c.createdAt,
                c.updatedAt, children, metrics == null ? null : PeriodTotals.of(metrics));
    }
}
