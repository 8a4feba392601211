package io.clp.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;

/**
 * One event a service published: an insert into {@code <schema>.outbox_event} that committed, as
 * Debezium's outbox router reads it from the WAL. {@code columns} holds every column of the row in
 * PostgreSQL's text form, so a header column added later is readable without changing this type.
 *
 * @param commitLsn where the publishing transaction committed (orders events across transactions)
 */
public record EmittedEvent(String schema, UUID id, String aggregateType, String aggregateId, String type,
        JsonNode payload, Map<String, String> columns, long commitLsn) {

    /** A column of the outbox row ({@code null} when the column is null or does not exist). */
    public String column(String name) {
        return columns.get(name);
    }

    /** {@code ce_source}: {@code /clp/<service>}. */
    public String source() {
        return column("source");
    }

    /** {@code ce_subject}. */
    public String subject() {
        return column("subject");
    }

    /** {@code ce_orgid}. */
    public String orgId() {
        return column("org_id");
    }

    /** {@code ce_actor}. */
    public String actor() {
        return column("actor");
    }

    /** {@code ce_time}, as PostgreSQL prints a timestamptz. */
    public String occurredAt() {
        return column("occurred_at");
    }

    /** The W3C trace context of the request or event that caused this one ({@code traceparent} header). */
    public String traceparent() {
        return column("traceparent");
    }

    /** The trace id part of {@link #traceparent()} ({@code null} when there is none). */
    public String traceId() {
        String traceparent = traceparent();
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    /** A top-level field of the payload as text ({@code null} when absent or JSON null). */
    public String field(String name) {
        JsonNode value = payload.get(name);
        return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
    }

    @Override
    public String toString() {
        return schema + ".outbox_event " + type + " about " + aggregateType + " " + aggregateId + " " + columns;
    }
}
