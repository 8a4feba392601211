package io.clp.testing;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A selection of {@link EmittedEvent}s, in commit order (and insert order within a transaction),
 * narrowed step by step: {@code EmittedEvents.since(mark).ofType(OrganizationCreated.TYPE).about(orgId).single()}.
 */
public record Emitted(List<EmittedEvent> events) {

    public Emitted {
        events = List.copyOf(events);
    }

    public Emitted matching(Predicate<EmittedEvent> test) {
        return new Emitted(events.stream().filter(test).toList());
    }

    public Emitted inSchema(String schema) {
        return matching(e -> e.schema().equals(schema));
    }

    /** The events of one organization (their {@code org_id} header). */
    public Emitted inOrganization(Object orgId) {
        String id = orgId.toString();
        return matching(e -> id.equals(e.orgId()));
    }

    public Emitted ofType(String type) {
        return matching(e -> e.type().equals(type));
    }

    public Emitted ofAggregateType(String aggregateType) {
        return matching(e -> e.aggregateType().equals(aggregateType));
    }

    /** The events about one aggregate (its id compared as text, as the outbox stores it). */
    public Emitted about(Object aggregateId) {
        String id = aggregateId.toString();
        return matching(e -> e.aggregateId().equals(id));
    }

    /** The one event selected; fails naming what was there instead. */
    public EmittedEvent single() {
        if (events.size() != 1) {
            throw new AssertionError("expected exactly one event, found " + events.size() + ": " + events);
        }
        return events.get(0);
    }

    /** The one event of {@code type} about {@code aggregateId}. */
    public EmittedEvent single(String type, Object aggregateId) {
        return ofType(type).about(aggregateId).single();
    }

    /** Fails if any event is selected. */
    public void none() {
        if (!events.isEmpty()) {
            throw new AssertionError("expected no event, found " + events);
        }
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    public int size() {
        return events.size();
    }

    public List<String> types() {
        return events.stream().map(EmittedEvent::type).toList();
    }

    /** The payloads as JSON text, as the service wrote them (the outbox keeps a payload as written). */
    public List<String> payloads() {
        return events.stream().map(e -> e.column("payload")).toList();
    }

    /** One top-level payload field of each event as text ({@code null} where absent). */
    public List<String> field(String name) {
        return events.stream().map(e -> e.field(name)).toList();
    }

    /** One outbox column (header) of each event. */
    public List<String> column(String name) {
        return events.stream().map(e -> e.column(name)).toList();
    }

    /** The selected events of the one transaction that committed last (none if nothing is selected). */
    public Emitted lastTransaction() {
        if (events.isEmpty()) {
            return this;
        }
        long last = events.get(events.size() - 1).commitLsn();
        return matching(e -> Objects.equals(e.commitLsn(), last));
    }
}
