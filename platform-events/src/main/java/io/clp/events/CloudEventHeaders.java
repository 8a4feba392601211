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
    /**
     * Extension attribute: who caused the event: {@code user:<id>} (the user's Keycloak subject),
     * {@code apikey:<prefix>} (the visible part of an API key, {@code clp_<prefix>_...}; its creator is
     * not named) or {@code system:<service>} (the service acting for itself, or for no one it can name).
     */
    public static final String ACTOR = "ce_actor";
    /** What {@link #ACTOR} may hold (a regular expression); a consumer treats any other value as no actor. */
    public static final String ACTOR_FORMAT =
            "user:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|apikey:[a-z0-9]{8}|system:[a-z][a-z0-9-]{0,40}";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEventHeaders() {
    }
}
