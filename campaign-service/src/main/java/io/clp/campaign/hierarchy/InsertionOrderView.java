package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** An insertion order as the API shows it; {@code children} only when one insertion order is read. */
public record InsertionOrderView(UUID id, UUID campaignId, String campaignExternalId, String dspType, UUID dspAccountId,
                                 String externalId, String name, String status, String nativeStatus, Budget budget,
                                 String budgetType, LocalDate startDate, LocalDate endDate,
                                 @JsonRawValue @Schema(type = SchemaType.OBJECT) String pacing,
                                 @JsonRawValue @Schema(type = SchemaType.ARRAY) String labels,
                                 Instant removedAt, int syncVersion, Instant lastSyncedAt,
                                 Instant dspUpdatedAt, Instant createdAt, Instant updatedAt,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) Counts children) {

    static InsertionOrderView of(InsertionOrder i) {
        return of(i, null);
    }

    static InsertionOrderView of(InsertionOrder i, Counts children) {
        return new InsertionOrderView(i.id, i.campaignId, i.campaignExternalId, i.dspType.name(), i.dspAccountId,
                i.externalId, i.name, i.status, i.nativeStatus, Budget.of(i.budget, i.currency), i.budgetType,
                i.startDate, i.endDate, i.pacing, Labels.json(i.labels), i.removedAt, i.syncVersion, i.lastSyncedAt, i.dspUpdatedAt,
                i.createdAt, i.updatedAt, children);
    }
}
