package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * A member's role or state in an organization changed: {@code change} is {@code joined}, {@code role_changed},
 * {@code deactivated}, {@code reactivated} or {@code removed}; {@code role} is the role after the
 * change ({@code previousRole} before it). Topic {@code clp.events.membership}, keyed by membership id.
 */
public record MembershipChanged(
        UUID id,
        UUID organizationId,
        UUID userId,
        String change,
        String role,
        String previousRole,
        boolean active,
        Instant changedAt) implements MembershipEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.MEMBERSHIP, "changed", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
