package io.clp.campaign.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clp.events.CloudEventHeaders;
import io.clp.events.Topics;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/** Metrics batches as pipeline-service publishes them, and what the tests read back. */
public final class MetricsBatches {

    static final String DEAD_LETTERS = Topics.METRICS_BATCH + ".campaign-metrics-batches.dlq";
    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private MetricsBatches() {
    }

    public static MetricsBatch.Row row(String level, UUID entityId, String date, long impressions, long clicks, long conversions,
                                long views, String spend, String revenue) {
        return new MetricsBatch.Row(level, entityId, LocalDate.parse(date), impressions, clicks, conversions, views, spend, "EUR",
                revenue);
    }

    /** A batch of a fresh execution's chunk 0. */
    public static MetricsBatch batch(UUID orgId, List<MetricsBatch.Row> rows) {
        return batch(orgId, rows, Instant.now());
    }

    /** A batch of a fresh execution's chunk 0 that read its source at {@code extractedAt}. */
    public static MetricsBatch batch(UUID orgId, List<MetricsBatch.Row> rows, Instant extractedAt) {
        UUID execution = UUID.randomUUID();
        return new MetricsBatch(MetricsBatch.batchIdOf(execution, 0), orgId, execution, 0, extractedAt, UUID.randomUUID(), null, "98.50",
                false, rows);
    }

    /** Publishes the batch with a fresh event id; a second call is a redelivery of the same batch. */
    public static void publish(MetricsBatch batch) {
        TestEvents.publish(batch);
    }

    /**
     * Publishes {@code payload} as a batch event under {@code key}: a record with the key of an earlier one lands on its
     * partition, so once it is applied the earlier one was handled too.
     */
    static void publishRaw(String key, String payload, String eventId) {
        TestEvents.publishRaw(Topics.METRICS_BATCH, key, payload, Map.of(CloudEventHeaders.ID, eventId,
                CloudEventHeaders.TYPE, MetricsBatch.TYPE, CloudEventHeaders.SOURCE, "/clp/pipeline",
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE));
    }

    /** As {@link #publishRaw}, without the record's type header. */
    static void publishUntyped(String key, String payload, String eventId) {
        TestEvents.publishRaw(Topics.METRICS_BATCH, key, payload, Map.of(CloudEventHeaders.ID, eventId,
                CloudEventHeaders.SOURCE, "/clp/pipeline", CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static long rowsOfBatch(UUID batchId) {
        return TestDatabase.count("SELECT count(*) FROM campaign.campaign_metrics WHERE batch_id = ?", batchId);
    }

    static long rowsOfOrganization(UUID orgId) {
        return TestDatabase.count("SELECT count(*) FROM campaign.campaign_metrics WHERE org_id = ?", orgId);
    }

    /** Waits until the batch's id is in the inbox: it was applied (or found to be a repeat). */
    public static void awaitRecorded(UUID batchId) {
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM campaign.processed_event WHERE event_id = ? AND consumer = 'campaign-metrics-batches'",
                batchId) == 1);
    }
}
