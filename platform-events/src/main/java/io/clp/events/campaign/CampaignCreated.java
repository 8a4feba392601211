package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/** A sync found a campaign CLP did not know. */
public record CampaignCreated(
        UUID id,
        UUID organizationId,
        UUID dspAccountId,
        String dspType,
        String externalId,
        String name,
        String status,
        Integer syncVersion) implements CampaignEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.CAMPAIGN, "created", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
