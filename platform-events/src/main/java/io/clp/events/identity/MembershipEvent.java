package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/** An event of one membership: keyed by the membership id, belonging to its organization. */
public interface MembershipEvent extends DomainEvent {

    /** The membership's id. */
    UUID id();

    UUID organizationId();

    @Override
    default String aggregateType() {
        return AggregateTypes.MEMBERSHIP;
    }

    @Override
    default UUID aggregateId() {
        return id();
    }

    @Override
    default UUID orgId() {
        return organizationId();
    }
}
