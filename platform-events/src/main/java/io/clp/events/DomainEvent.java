package io.clp.events;

import java.util.UUID;

/**
 * A versioned event payload of the public contract. The payload itself is plain data; where it goes
 * and how it is described (topic, key, CloudEvents type and subject) is derived from it here.
 */
public interface DomainEvent {

    /**
     * The aggregate type as the outbox names it ({@code outbox_event.aggregatetype}, which the relay
     * routes by); an event is published to {@link Topics#events(String)} of it.
     */
    String aggregateType();

    /** The topic the relay publishes the event to. */
    default String topic() {
        return Topics.events(aggregateType());
    }

    /** The aggregate's id: the Kafka key, so that one entity's events stay in order. */
    UUID aggregateId();

    /** The CloudEvents type, for example {@code io.clp.organization.created.v1}. */
    String eventType();

    /** The organization the event belongs to, or null for an event outside any organization. */
    UUID orgId();

    /** The CloudEvents subject: the aggregate's path, for example {@code organizations/<id>}. */
    default String subject() {
        return aggregateType() + "s/" + aggregateId();
    }

    static String type(String aggregateType, String change, int version) {
        return "io.clp." + aggregateType + "." + change + ".v" + version;
    }
}
