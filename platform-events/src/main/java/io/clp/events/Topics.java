package io.clp.events;

/**
 * Topic names of the public contract (see docs/asyncapi.yaml). Domain events go to
 * {@code clp.events.<aggregate type>}, keyed by aggregate id so that per-entity order holds;
 * table change streams go to {@code clp.cdc.<schema>.<table>}; a consumer's poison messages go to
 * {@code <topic>.<consumer group>.dlq}.
 */
public final class Topics {

    public static final String EVENTS_PREFIX = "clp.events.";
    public static final String CDC_PREFIX = "clp.cdc.";

    public static final String ORGANIZATION = EVENTS_PREFIX + AggregateTypes.ORGANIZATION;
    public static final String MEMBERSHIP = EVENTS_PREFIX + AggregateTypes.MEMBERSHIP;
    public static final String GRANT = EVENTS_PREFIX + AggregateTypes.GRANT;
    public static final String API_KEY = EVENTS_PREFIX + AggregateTypes.API_KEY;

    private Topics() {
    }

    public static String events(String aggregateType) {
        return EVENTS_PREFIX + aggregateType;
    }

    public static String cdc(String schema, String table) {
        return CDC_PREFIX + schema + "." + table;
    }

    public static String deadLetter(String topic, String consumerGroup) {
        return topic + "." + consumerGroup + ".dlq";
    }
}
