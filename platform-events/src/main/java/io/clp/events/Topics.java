package io.clp.events;

import java.time.Duration;

/**
 * Topic names of the public contract (see docs/asyncapi.yaml). Domain events go to
 * {@code clp.events.<aggregate type>}, keyed by aggregate id so that per-entity order holds;
 * table change streams go to {@code clp.cdc.<schema>.<table>}; a consumer's poison messages go to
 * {@code <topic>.<consumer group>.dlq}.
 */
public final class Topics {

    public static final String EVENTS_PREFIX = "clp.events.";
    public static final String CDC_PREFIX = "clp.cdc.";
    /**
     * Compacted topics {@code clp.state.<aggregate type>}: the full current state of each entity,
     * keyed by its id, so that a consumer with an empty read model learns every entity however old
     * (docs/architecture.md, "Read models"). Never deleted by time; a removed entity stays as its
     * final state (deleted organization, revoked grant), not as a null tombstone.
     */
    public static final String STATE_PREFIX = "clp.state.";

    /**
     * How long {@code clp.events.*} topics keep their records (their {@code retention.ms}; the
     * launcher and the outbox connector create them so). Consumers keep the ids of applied events
     * longer than this ({@code clp.retention.processed-events}), so the inbox outlives any redelivery.
     */
    public static final Duration EVENTS_RETENTION = Duration.ofDays(7);

    public static final String ORGANIZATION = EVENTS_PREFIX + AggregateTypes.ORGANIZATION;
    public static final String MEMBERSHIP = EVENTS_PREFIX + AggregateTypes.MEMBERSHIP;
    public static final String GRANT = EVENTS_PREFIX + AggregateTypes.GRANT;
    public static final String API_KEY = EVENTS_PREFIX + AggregateTypes.API_KEY;
    public static final String CAMPAIGN = EVENTS_PREFIX + AggregateTypes.CAMPAIGN;
    public static final String DSP_ACCOUNT = EVENTS_PREFIX + AggregateTypes.DSP_ACCOUNT;
    public static final String METRICS_BATCH = EVENTS_PREFIX + AggregateTypes.METRICS_BATCH;
    public static final String CAMPAIGN_METRICS = EVENTS_PREFIX + AggregateTypes.CAMPAIGN_METRICS;
    public static final String PIPELINE_EXECUTION = EVENTS_PREFIX + AggregateTypes.PIPELINE_EXECUTION;

    public static final String ORGANIZATION_STATE = STATE_PREFIX + AggregateTypes.ORGANIZATION;
    public static final String GRANT_STATE = STATE_PREFIX + AggregateTypes.GRANT;

    private Topics() {
    }

    public static String events(String aggregateType) {
        return EVENTS_PREFIX + aggregateType;
    }

    public static String state(String aggregateType) {
        return STATE_PREFIX + aggregateType;
    }

    public static String cdc(String schema, String table) {
        return CDC_PREFIX + schema + "." + table;
    }

    public static String deadLetter(String topic, String consumerGroup) {
        return topic + "." + consumerGroup + ".dlq";
    }
}
