package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/** An organization was deleted (soft): its data is unreachable from now on. Topic {@code clp.events.organization}. */
public record OrganizationDeleted(UUID id, String slug, UUID deletedBy, Instant deletedAt, Long version) implements OrganizationEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.ORGANIZATION, "deleted", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
