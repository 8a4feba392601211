package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key was revoked: {@code reason} is {@code revoked} (by a person), {@code member_left} or
 * {@code role_changed} (its creator lost a permission it carried), or {@code organization_deleted}.
 */
public record ApiKeyRevoked(
        UUID id,
        UUID organizationId,
        String prefix,
        String clientId,
        String reason,
        Instant revokedAt) implements ApiKeyEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.API_KEY, "revoked", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
