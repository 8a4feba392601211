package io.clp.platform.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.CloudEventHeaders;
import io.clp.events.DomainEvent;
import io.clp.platform.tracing.Traces;
import io.clp.platform.tx.Actor;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The transactional outbox: {@link #publish} writes the event to the schema's {@code outbox_event}
 * table in the caller's transaction, so the event exists exactly when the change commits. Debezium's
 * outbox event router relays the insert to {@code clp.events.<aggregate type>}; the row is deleted in
 * the same transaction, so the table stays empty while the WAL keeps the event. Each event carries
 * the W3C trace context of the request or event that caused it ({@link Traces}), relayed as its
 * {@code traceparent} header.
 */
@ApplicationScoped
public class Outbox {

    /** The payload is cast through text: bound straight to jsonb, a string would be stored as a JSON string. */
    static final String INSERT = """
            INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor,
                                      occurred_at, specversion, datacontenttype, traceparent)
            VALUES (?1, ?2, ?3, ?4, CAST(CAST(?5 AS text) AS jsonb), ?6, ?7, ?8, ?9, ?10, ?11, 'application/json', ?12)
            """;

    @Inject
    ObjectMapper json;

    @Inject
    Actor actor;

    /** Must run inside a transaction; returns the event id. */
    public Uni<UUID> publish(DomainEvent event) {
        UUID id = UUID.randomUUID();
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("event cannot be serialized: " + event, e));
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT)
                        .setParameter(1, id)
                        .setParameter(2, event.aggregateType())
                        .setParameter(3, event.aggregateId().toString())
                        .setParameter(4, event.eventType())
                        .setParameter(5, payload)
                        .setParameter(6, "/clp/" + actor.serviceName())
                        .setParameter(7, event.subject())
                        .setParameter(8, event.orgId() == null ? null : event.orgId().toString())
                        .setParameter(9, actor.current().actor())
                        .setParameter(10, Instant.now().truncatedTo(ChronoUnit.MICROS))
                        .setParameter(11, CloudEventHeaders.SPEC_VERSION_VALUE)
                        .setParameter(12, Traces.forEvent())
                        .executeUpdate()
                        .chain(() -> session.createNativeQuery("DELETE FROM outbox_event WHERE id = ?1")
                                .setParameter(1, id)
                                .executeUpdate()))
                .replaceWith(id);
    }
}
