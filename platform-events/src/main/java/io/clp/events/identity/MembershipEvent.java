package io.clp.events.identity;

import io.clp.events.AggregateTypes;

/** An event of one membership: keyed by the membership id, belonging to its organization. */
public interface MembershipEvent extends OrganizationScopedEvent {

    @Override
    default String aggregateType() {
        return AggregateTypes.MEMBERSHIP;
    }
}
