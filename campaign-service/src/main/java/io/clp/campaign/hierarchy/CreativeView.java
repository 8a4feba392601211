package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonRawValue;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;


import java.time.Instant;
import java.util.UUID;

/** A creative as the API shows it. */
public record CreativeView(UUID id, UUID lineItemId, String lineItemExternalId, UUID campaignId, String dspType,
                           UUID dspAccountId, String externalId, String name, String status, String nativeStatus,
                           @JsonRawValue @Schema(type = SchemaType.ARRAY) String labels,
                           Instant removedAt, int syncVersion, Instant lastSyncedAt,
                           Instant dspUpdatedAt, Instant createdAt, Instant updatedAt) {

    static CreativeView of(Creative c) {
        return new CreativeView(c.id, c.lineItemId, c.lineItemExternalId, c.campaignId, c.dspType.name(), c.dspAccountId,
                c.externalId, c.name, c.status, c.nativeStatus, Labels.json(c.labels), c.removedAt, c.syncVersion, c.lastSyncedAt,
                c.dspUpdatedAt, c.createdAt, c.updatedAt);
    }
}
