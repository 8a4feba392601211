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

    /**
     * Asserts the CloudEvents header columns every event carries: {@code source} {@code /clp/<service>},
     * the subject, the organization ({@code null} for none), the actor, a time, spec version 1.0, JSON
     * content and a well-formed W3C {@code traceparent}; returns the event for further assertions.
     */
    public EmittedEvent hasHeaders(String service, String subject, Object orgId, String actor) {
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(source()).as("source of %s", this).isEqualTo("/clp/" + service);
            soft.assertThat(subject()).as("subject of %s", this).isEqualTo(subject);
            soft.assertThat(orgId()).as("org_id of %s", this).isEqualTo(orgId == null ? null : orgId.toString());
            soft.assertThat(actor()).as("actor of %s", this).isEqualTo(actor);
            soft.assertThat(occurredAt()).as("occurred_at of %s", this).isNotBlank();
            soft.assertThat(column("specversion")).as("specversion of %s", this).isEqualTo("1.0");
            soft.assertThat(column("datacontenttype")).as("datacontenttype of %s", this).isEqualTo("application/json");
            soft.assertThat(traceparent()).as("traceparent of %s", this).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        });
        return this;
    }

    @Override
    public String toString() {
        return schema + ".outbox_event " + type + " about " + aggregateType + " " + aggregateId + " " + columns;
    }
}
