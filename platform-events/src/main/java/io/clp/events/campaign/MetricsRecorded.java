package io.clp.events.campaign;

import io.clp.events.AggregateTypes;
import io.clp.events.DomainEvent;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * campaign-service recorded a pipeline's metrics batch: which entities and days changed, and how many rows were
 * inserted, updated (a restatement with new numbers), unchanged (the same numbers again), skipped (an entity
 * that is not the organization's) or stale (left as they are: a newer version of the numbers is recorded). Topic {@code clp.events.campaign-metrics}, keyed by the batch id. Emitted once
 * per applied batch, in the transaction that wrote the rows; a batch delivered again emits nothing.
 * <p>
 * A change of a client's CPM rates or advertiser links reprices rows already recorded (their client, CPM and billed
 * spend): that is announced too, {@code cause} saying which ({@code cpm-rates-changed}, {@code client-advertisers-changed},
 * {@code client-deleted}, {@code dsp-account-deleted}; {@code batch} for a batch), {@code clientId} whose change it was, no execution or pipeline,
 * {@code batchId} the id of the recompute, {@code updated} the rows repriced, and {@code entities} the campaigns
 * whose rows (at every level) changed, at most 1,000 an event.
 */
public record MetricsRecorded(
        UUID batchId,
        UUID organizationId,
        UUID executionId,
        UUID pipelineId,
        Integer inserted,
        Integer updated,
        Integer unchanged,
        Integer skipped,
        Integer stale,
        List<LocalDate> dates,
        List<Entity> entities,
        List<Entity> skippedEntities,
        String cause,
        UUID clientId) implements DomainEvent {

    public static final String CAUSE_BATCH = "batch";

    public static final String TYPE = DomainEvent.type(AggregateTypes.CAMPAIGN_METRICS, "recorded", 1);

    /** An entity of the hierarchy: its level ({@code campaign}, {@code insertion_order}, ...) and id. */
    public record Entity(String level, UUID id) {
    }

    @Override
    public String aggregateType() {
        return AggregateTypes.CAMPAIGN_METRICS;
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
