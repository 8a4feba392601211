package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/** A line item as the API shows it; {@code children} only when one line item is read. */
public record LineItemView(UUID id, UUID insertionOrderId, String insertionOrderExternalId, UUID campaignId,
                           String dspType, UUID dspAccountId, String externalId, String name, String status,
                           String nativeStatus, Budget budget, String budgetType, LocalDate startDate, LocalDate endDate,
                           @JsonRawValue @Schema(type = SchemaType.OBJECT) String pacing,
                           @JsonRawValue @Schema(type = SchemaType.ARRAY) String labels,
                           Instant removedAt, int syncVersion,
                           Instant lastSyncedAt, Instant dspUpdatedAt, Instant createdAt, Instant updatedAt,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Counts children) {

    static LineItemView of(LineItem l) {
        return of(l, null);
    }

    static LineItemView of(LineItem l, Counts children) {
        return new LineItemView(l.id, l.insertionOrderId, l.insertionOrderExternalId, l.campaignId, l.dspType.name(),
                l.dspAccountId, l.externalId, l.name, l.status, l.nativeStatus, Budget.of(l.budget, l.currency),
                l.budgetType, l.startDate, l.endDate, l.pacing, Labels.json(l.labels), l.removedAt, l.syncVersion, l.lastSyncedAt,
                l.dspUpdatedAt, l.createdAt, l.updatedAt, children);
    }
}
