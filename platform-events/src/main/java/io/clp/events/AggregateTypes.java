package io.clp.events;

/** Aggregate types: the last part of an event topic's name and the first part of each event type. */
public final class AggregateTypes {

    public static final String ORGANIZATION = "organization";
    public static final String MEMBERSHIP = "membership";
    public static final String GRANT = "grant";
    public static final String API_KEY = "api-key";
    public static final String CAMPAIGN = "campaign";
    public static final String DSP_ACCOUNT = "dsp-account";
    /** Batches of daily metrics a pipeline execution produced (pipeline-service). */
    public static final String METRICS_BATCH = "metrics-batch";
    /** Metrics campaign-service recorded from those batches. */
    public static final String CAMPAIGN_METRICS = "campaign-metrics";
    /** How a pipeline execution ended: completed, failed or cancelled (pipeline-service). */
    public static final String PIPELINE_EXECUTION = "pipeline-execution";

    /**
     * The outbox's aggregate types of current-state records ({@code state.<aggregate type>}); the
     * relay routes them to the compacted {@code clp.state.<aggregate type>} topics.
     */
    public static final String ORGANIZATION_STATE = "state." + ORGANIZATION;
    public static final String GRANT_STATE = "state." + GRANT;

    private AggregateTypes() {
    }
}
