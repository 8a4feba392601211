package io.clp.events;

/**
 * Kafka header names that carry the CloudEvents attributes of every CLP event (binary content mode of
 * the CloudEvents Kafka binding: {@code ce_} prefix, values as UTF-8 strings).
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION_VALUE = "1.0";

    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String SPEC_VERSION = "ce_specversion";
    /** Extension attribute: the organization the event belongs to (absent for platform-wide events). */
    public static final String ORG_ID = "ce_orgid";
    /** Extension attribute: who caused the event ({@code user:<id>}, {@code apikey:<prefix>} or {@code system:<service>}). */
    public static final String ACTOR = "ce_actor";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEventHeaders() {
    }
}
