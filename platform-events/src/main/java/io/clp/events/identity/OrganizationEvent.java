package io.clp.events.identity;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.util.UUID;

/**
 * An event of an organization's lifecycle: keyed by, and belonging to, the organization itself.
 * {@link #version()} is the organization row's own version at the change (identity-service
 * increments it with every change under a row lock or an optimistic check), so consumers order
 * events by the source's state rather than by any instance's clock. Events published before the
 * field existed carry none (null).
 */
public interface OrganizationEvent extends DomainEvent {

    /** The organization's id. */
    UUID id();

    /** The organization's version after the change; null in events from before versions existed. */
    Long version();

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
