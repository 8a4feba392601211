package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/** A grant was revoked (by an admin, or because its holder left the organization). */
public record GrantRevoked(
        UUID id,
        UUID organizationId,
        UUID userId,
        String entityType,
        UUID entityId,
        Instant revokedAt) implements GrantEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.GRANT, "revoked", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
