package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * Someone was invited to an organization with a role; notification-service turns it into an e-mail.
 * {@code id} is the membership's id, which the invitee accepts. Topic {@code clp.events.membership}.
 */
public record MemberInvited(
        UUID id,
        UUID organizationId,
        String organizationName,
        UUID userId,
        String email,
        String role,
        UUID invitedBy,
        Instant invitedAt) implements MembershipEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.MEMBERSHIP, "invited", 1);

    @Override
    public String eventType() {
        return TYPE;
    }
}
