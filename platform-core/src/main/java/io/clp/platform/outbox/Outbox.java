package io.clp.platform.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.DomainEvent;
import io.clp.platform.tx.Actor;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * The transactional outbox: {@link #publish} writes the event to the schema's {@code outbox_event}
 * table in the caller's transaction, so the event exists exactly when the change commits. Debezium's
 * outbox event router relays the insert to {@code clp.events.<aggregate type>}; the row is deleted in
 * the same transaction, so the table stays empty while the WAL keeps the event. Each event carries
 * the W3C trace context of the request or event that caused it ({@link io.clp.platform.tracing.Traces}), relayed as its
 * {@code traceparent} header.
 */
@ApplicationScoped
public class Outbox {

    static final String INSERT = "INSERT INTO outbox_event (" + OutboxRow.COLUMNS + ") "
            + "VALUES (?1, ?2, ?3, ?4, CAST(CAST(?5 AS text) AS json), ?6, ?7, ?8, ?9, ?10, ?11, 'application/json', ?12)";

    @Inject
    ObjectMapper json;

    @Inject
    Actor actor;

    /** Must run inside a transaction; returns the event id. */
    public Uni<UUID> publish(DomainEvent event) {
        OutboxRow row;
        try {
            row = OutboxRow.of(event, json, actor.serviceName(), actor.current().actor());
        } catch (IllegalStateException e) {
            return Uni.createFrom().failure(e);
        }
        UUID id = row.id();
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                        .setParameter(1, id)
                        .setParameter(2, row.aggregateType())
                        .setParameter(3, row.aggregateId())
                        .setParameter(4, row.type())
                        .setParameter(5, row.payload())
                        .setParameter(6, row.source())
                        .setParameter(7, row.subject())
                        .setParameter(8, row.orgId())
                        .setParameter(9, row.actor())
                        .setParameter(10, row.occurredAt())
                        .setParameter(11, row.specVersion())
                        .setParameter(12, row.traceparent())
                        .executeUpdate()
                        .chain(() -> session.createNativeQuery("DELETE FROM outbox_event WHERE id = ?1")
                                .setParameter(1, id)
                                .executeUpdate()))
                .replaceWith(id);
    }
}
