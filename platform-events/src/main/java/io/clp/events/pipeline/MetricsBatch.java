package io.clp.events.pipeline;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * One chunk of a pipeline execution's gold daily metrics, for campaign-service to record. Topic
 * {@code clp.events.metrics-batch}, keyed by the batch id. Rows name campaign-service's entities by id (the
 * pipeline resolves DSP external ids through its read model before it publishes). A batch is applied whole or
 * not at all; a batch delivered again (same {@code batchId}) changes nothing. {@code extractedAt} (required) is when
 * the execution read its source: the version of the numbers the batch holds. A row replaces a recorded one only when
 * its version is newer (or the same execution's, with other numbers), so that an older batch applied late (a retry,
 * a dead-letter replay, another partition) never replaces a newer restatement. Amounts are decimal strings, never
 * binary floating point. See docs/metrics.md.
 */
public record MetricsBatch(
        UUID batchId,
        UUID organizationId,
        UUID executionId,
        Integer chunk,
        Instant extractedAt,
        UUID pipelineId,
        UUID dspAccountId,
        String dataQualityScore,
        Boolean hasDataIssues,
        List<Row> rows) implements DomainEvent {

    public static final String TYPE = DomainEvent.type(AggregateTypes.METRICS_BATCH, "published", 1);

    /**
     * The most rows one batch may carry; a pipeline splits a larger output into chunks. 2,000 rows of about 230 bytes
     * keep a record well under Kafka's default 1 MiB limit, uncompressed, and so does its dead-letter copy.
     */
    public static final int MAX_ROWS = 2_000;

    /** Entity levels a row may name: the campaign hierarchy's. */
    public static final List<String> LEVELS = List.of("campaign", "insertion_order", "line_item", "creative");

    /** One entity's numbers for one day (in the DSP account's time zone). */
    public record Row(
            String level,
            UUID entityId,
            LocalDate date,
            Long impressions,
            Long clicks,
            Long conversions,
            Long views,
            String spend,
            String currency,
            String revenue) {
    }

    /**
     * The batch id of an execution's chunk: a name-based UUID of both, so that a pipeline that publishes the same
     * chunk again (a retried execution step) publishes the same id and the consumer recognises it.
     */
    public static UUID batchIdOf(UUID executionId, int chunk) {
        return UUID.nameUUIDFromBytes(("metrics-batch:" + executionId + ":" + chunk).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String aggregateType() {
        return AggregateTypes.METRICS_BATCH;
    }

    @Override
    public UUID aggregateId() {
        return batchId;
    }

    @Override
    public String eventType() {
        return TYPE;
    }

    @Override
    public UUID orgId() {
        return organizationId;
    }

    @Override
    public String subject() {
        return "metrics-batches/" + batchId;
    }
}
