package io.clp.events.identity;

import io.clp.events.DomainEvent;

import java.util.UUID;

/** An event of one entity that belongs to an organization: keyed by the entity's id. */
public interface OrganizationScopedEvent extends DomainEvent {

    /** The entity's id. */
    UUID id();

    UUID organizationId();

    @Override
    default UUID aggregateId() {
        return id();
    }

    @Override
    default UUID orgId() {
        return organizationId();
    }
}
