package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An organization's effective quotas (plan default or override, by quota id: members, dsp_accounts,
 * pipelines, rules, api_keys), published when the organization is created, its plan changes or an
 * operator overrides a quota. Services that create limited resources check them from this event.
 */
public record OrganizationQuotasChanged(
        UUID id,
        String slug,
        String plan,
        Map<String, Integer> limits,
        Instant changedAt,
        Long version) implements OrganizationEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.ORGANIZATION, "quotas_changed", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
