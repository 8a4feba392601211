package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/**
 * An event of one entity grant (a user's rights on one entity, refining their role): keyed by the
 * grant id, belonging to its organization. Topic {@code clp.events.grant}.
 */
public interface GrantEvent extends DomainEvent {

    /** The grant's id. */
    UUID id();

    UUID organizationId();

    @Override
    default String aggregateType() {
        return AggregateTypes.GRANT;
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
