package io.clp.events.identity;

import io.clp.events.AggregateTypes;

/** An event of one API key: keyed by the key's id, belonging to its organization. Topic {@code clp.events.api-key}. */
public interface ApiKeyEvent extends OrganizationScopedEvent {

    @Override
    default String aggregateType() {
        return AggregateTypes.API_KEY;
    }
}
