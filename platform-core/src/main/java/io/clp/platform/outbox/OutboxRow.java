package io.clp.platform.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.CloudEventHeaders;
import io.clp.events.DomainEvent;
import io.clp.platform.tracing.Traces;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One {@code outbox_event} row as every writer of the outbox makes it from an event: the reactive {@link Outbox} and
 * the JDBC {@link JdbcOutbox} of bulk loads share this, so an event reads the same whichever wrote it (columns,
 * CloudEvents headers, payload serialisation, trace context).
 */
public record OutboxRow(
        UUID id,
        String aggregateType,
        String aggregateId,
        String type,
        String payload,
        String source,
        String subject,
        String orgId,
        String actor,
        Instant occurredAt,
        String specVersion,
        String traceparent) {

    /** The payload is cast through text: bound straight to json, a string would be stored as a JSON string. */
    static final String COLUMNS = "id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor, "
            + "occurred_at, specversion, datacontenttype, traceparent";

    /** The row of {@code event}, written by the service {@code serviceName} for {@code actor}. */
    public static OutboxRow of(DomainEvent event, ObjectMapper json, String serviceName, String actor) {
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event cannot be serialized: " + event, e);
        }
        return new OutboxRow(UUID.randomUUID(), event.aggregateType(), event.aggregateId().toString(),
                event.eventType(), payload, "/clp/" + serviceName, event.subject(),
                event.orgId() == null ? null : event.orgId().toString(), actor,
                Instant.now().truncatedTo(ChronoUnit.MICROS), CloudEventHeaders.SPEC_VERSION_VALUE, Traces.forEvent());
    }
}
