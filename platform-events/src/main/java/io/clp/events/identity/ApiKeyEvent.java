package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/** An event of one API key: keyed by the key's id, belonging to its organization. Topic {@code clp.events.api-key}. */
public interface ApiKeyEvent extends DomainEvent {

    /** The key's id. */
    UUID id();

    UUID organizationId();

    @Override
    default String aggregateType() {
        return AggregateTypes.API_KEY;
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
