package io.clp.events.identity;

import io.clp.events.AggregateTypes;

/**
 * An event of one entity grant (a user's rights on one entity, refining their role): keyed by the
 * grant id, belonging to its organization. Topic {@code clp.events.grant}.
 */
public interface GrantEvent extends OrganizationScopedEvent {

    @Override
    default String aggregateType() {
        return AggregateTypes.GRANT;
    }
}
