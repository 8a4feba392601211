package io.clp.campaign.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.clp.events.CloudEventHeaders;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.platform.messaging.EventDelivery;
import io.clp.platform.messaging.EventHeaders;
import io.clp.platform.messaging.EventJson;
import io.clp.platform.messaging.Failures;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Records the metrics batches pipeline executions publish ({@code clp.events.metrics-batch}): each batch is
 * validated whole ({@link MetricsBatchRules}), then written once by {@link MetricsStore}. Settled as every consumer
 * here is ({@link EventDelivery}): a transient failure (database down, deadlock) is retried, a batch that can never
 * be applied (unreadable, invalid) goes to the channel's dead-letter topic at once, and nothing of it is written.
 * Other event types on the topic are skipped.
 */
@Singleton
public class MetricsBatchConsumer {

    private static final Logger LOG = Logger.getLogger(MetricsBatchConsumer.class);

    private final EventDelivery delivery;
    private final MetricsStore store;
    /** The tolerant event mapper, made strict about numbers: a count is a JSON integer, an amount a string. */
    private final ObjectMapper json;

    MetricsBatchConsumer(EventDelivery delivery, MetricsStore store, @EventJson ObjectMapper eventJson) {
        this.delivery = delivery;
        this.store = store;
        this.json = eventJson.copy();
        this.json.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        this.json.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        this.json.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    }

    @Incoming("metrics-batches")
    public CompletionStage<Void> consume(Message<String> message) {
        return delivery.deliver(message, MetricsStore.CONSUMER, () -> {
            try {
                // a record without its type is dead-lettered (IllegalArgumentException is permanent), never dropped
                // unread; another type on the topic (a later version) is not this consumer's
                if (!MetricsBatch.TYPE.equals(EventHeaders.require(message, CloudEventHeaders.TYPE))) {
                    return Uni.createFrom().voidItem();
                }
                UUID headerOrg = EventHeaders.read(message, CloudEventHeaders.ORG_ID).map(UUID::fromString).orElse(null);
                var batch = MetricsBatchRules.check(json.readValue(message.getPayload(), MetricsBatch.class), headerOrg,
                        MetricsBatchRules.todayUtc());
                return store.ensurePartitions(batch)
                        .chain(() -> store.apply(batch))
                        .invoke(applied -> applied.ifPresentOrElse(
                                a -> LOG.debugf("metrics batch %s: %d inserted, %d updated, %d unchanged, %d skipped, %d stale",
                                        batch.batch().batchId(), a.inserted(), a.updated(), a.unchanged(), a.skipped(),
                                        a.stale()),
                                () -> LOG.debugf("metrics batch %s was recorded before", batch.batch().batchId())))
                        .replaceWithVoid();
            } catch (Exception e) {
                return Uni.createFrom().failure(e instanceof Failures.Permanent || !Failures.isPermanent(e) ? e
                        : new Failures.Permanent("unreadable metrics batch: " + e.getMessage(), e));
            }
        });
    }
}
