package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/** A campaign as the API shows it; {@code children} only when one campaign is read. */
public record CampaignView(UUID id, String dspType, UUID dspAccountId, String externalId, String name,
                           String advertiserId, String advertiserName, String status, String nativeStatus,
                           Budget budget, String budgetType, LocalDate startDate, LocalDate endDate,
                           Map<String, Object> pacing, JsonNode labels, Instant removedAt, int syncVersion,
                           Instant lastSyncedAt, Instant dspUpdatedAt, Instant createdAt, Instant updatedAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Counts children) {

    static CampaignView of(Campaign c) {
        return of(c, null);
    }

    static CampaignView of(Campaign c, Counts children) {
        return new CampaignView(c.id, c.dspType.name(), c.dspAccountId, c.externalId, c.name, c.advertiserId,
                c.advertiserName, c.status, c.nativeStatus, Budget.of(c.budget, c.currency), c.budgetType, c.startDate,
                c.endDate, c.pacing, Labels.parse(c.labels), c.removedAt, c.syncVersion, c.lastSyncedAt, c.dspUpdatedAt, c.createdAt,
                c.updatedAt, children);
    }
}
