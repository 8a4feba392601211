package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/** The DSP reported a campaign removed, or a full sync no longer found it. The campaign is marked, never deleted. */
public record CampaignRemoved(
        UUID id,
        UUID organizationId,
        UUID dspAccountId,
        String dspType,
        String externalId,
        Instant removedAt,
        Integer syncVersion) implements CampaignEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.CAMPAIGN, "removed", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
