package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user was granted {@code permissions} (view, edit, execute, delete) on one entity, until
 * {@code expiresAt} (null: until revoked). A later event for the same grant id replaces it:
 * {@code version} (the grant's version, incremented by every re-issue; null in events from before it
 * existed) orders them, and nothing issued revives a revoked grant (revocation is final, grant ids are
 * never reused).
 */
public record GrantIssued(
        UUID id,
        UUID organizationId,
        UUID userId,
        String entityType,
        UUID entityId,
        List<String> permissions,
        Instant expiresAt,
        UUID grantedBy,
        Instant grantedAt,
        Long version) implements GrantEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.GRANT, "issued", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
