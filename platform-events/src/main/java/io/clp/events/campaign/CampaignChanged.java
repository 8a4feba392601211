package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.List;
import java.util.UUID;

/**
 * A sync found a campaign changed at its DSP. {@code changedFields} names the columns that changed ({@code name},
 * {@code status}, {@code budget}, {@code currency}, {@code budgetType}, {@code startDate}, {@code endDate},
 * {@code nativeStatus}, {@code pacing}, {@code labels}, {@code attributes}, {@code advertiserId}, {@code advertiserName}).
 */
public record CampaignChanged(
        UUID id,
        UUID organizationId,
        UUID dspAccountId,
        String dspType,
        String externalId,
        String name,
        String status,
        List<String> changedFields,
        Integer syncVersion) implements CampaignEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.CAMPAIGN, "changed", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
