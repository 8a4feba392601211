package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A campaign as the API shows it; {@code children} only when one campaign is read, {@code metrics} only in a list over a
 * period; like every view, without the fields that are null (the JSON columns and the totals' KPIs excepted). The list
 * writes the same shape from its query's rows ({@link CampaignList}); a test holds the two to each other.
 */
public record CampaignView(UUID id, String dspType, UUID dspAccountId, String externalId, String name,
                           String advertiserId, String advertiserName, String status, String nativeStatus,
                           Budget budget, String budgetType, LocalDate startDate, LocalDate endDate, Instant removedAt,
                           int syncVersion, Instant lastSyncedAt, Instant dspUpdatedAt, Instant createdAt, Instant updatedAt,
                           @JsonRawValue @Schema(type = SchemaType.OBJECT) String pacing,
                           @JsonRawValue @Schema(type = SchemaType.ARRAY) String labels,
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
    }

    static CampaignView of(Campaign c, Counts children) {
        return new CampaignView(c.id, c.dspType.name(), c.dspAccountId, c.externalId, c.name, c.advertiserId,
                c.advertiserName, c.status, c.nativeStatus, Budget.of(c.budget, c.currency), c.budgetType, c.startDate,
                c.endDate, c.removedAt, c.syncVersion, c.lastSyncedAt, c.dspUpdatedAt, c.createdAt, c.updatedAt, c.pacing,
                Labels.json(c.labels), children, null);
    }
}
