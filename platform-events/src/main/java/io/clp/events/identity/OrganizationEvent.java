package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/** An event of an organization's lifecycle: keyed by, and belonging to, the organization itself. */
public interface OrganizationEvent extends DomainEvent {

    /** The organization's id. */
    UUID id();

    @Override
    default String aggregateType() {
        return AggregateTypes.ORGANIZATION;
    }

    @Override
    default UUID aggregateId() {
        return id();
    }

    @Override
    default UUID orgId() {
        return id();
    }
}
