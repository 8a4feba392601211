package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;
import io.clp.events.Topics;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The full current state of one entity grant, published by identity-service in the same transaction
 * as every change of it (and once for every grant that existed before this record did), to the
 * compacted topic {@code clp.state.grant} keyed by the grant's id. A revoked grant is published as
 * {@code revoked = true} (never as a null tombstone, which compaction would remove after
 * {@code delete.retention.ms}), so a consumer that was away for any length of time still learns it.
 * Revocation is final: a grant id is never issued again.
 *
 * @param version the grant's version (each re-issue of the grant increments it); the order of the
 *                states of a live grant
 */
public record GrantSnapshot(
        UUID id,
        UUID organizationId,
        UUID userId,
        String entityType,
        UUID entityId,
        List<String> permissions,
        Instant expiresAt,
        UUID grantedBy,
        Instant grantedAt,
        long version,
        boolean revoked,
        Instant revokedAt) implements OrganizationScopedEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.GRANT, "state", 1);

    @Override
    public String aggregateType() {
        return AggregateTypes.GRANT_STATE;
    }

    @Override
    public String topic() {
        return Topics.GRANT_STATE;
    }

    @Override
    public String subject() {
        return "grants/" + id;
    }

    @Override
    public String eventType() {
        return TYPE;
    }
}
