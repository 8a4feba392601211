package io.clp.platform.messaging;

import io.clp.events.CloudEventHeaders;
import io.clp.platform.tracing.Traces;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * How every CLP consumer settles a consumed message: a transient failure ({@link Failures#isTransient})
 * is retried in the handler with exponential back-off for at most {@code clp.events.retry.within}
 * (20 s), well inside smallrye-kafka's limit for an unacknowledged record (60 s,
 * {@code throttled.unprocessed-record-max-age.ms}, past which the whole channel is reported dead); if
 * it still fails the message is nacked and the channel's {@code delayed-retry-topic} failure strategy
 * parks it on a retry topic and delivers it again after that topic's delay, as often as
 * {@code delayed-retry-topic.max-retries} and {@code delayed-retry-topic.timeout} allow, then puts it
 * on the channel's dead-letter topic. A permanent failure (unreadable or invalid message) goes to the
 * dead-letter topic at once. Either way the consumer moves on and nothing is dropped; a message
 * delivered again is applied once because every consumer records event ids (inbox) or applies the
 * truth it reads (the Keycloak mirror).
 *
 * <p>While a dependency is down, only one message per {@code clp.events.retry.within} waits out the
 * whole bound: the ones after it get one attempt each and go to the retry topics at once, so that a
 * backlog keeps moving and no record waits unacknowledged for bound after bound.
 *
 * <p>The dead-letter copy carries smallrye's {@code delayed-retry-*} headers (exception, reason,
 * original topic, partition and offset, count) and {@value #FAILURE_HEADER} ({@code permanent} or
 * {@code transient}); see {@code ./clp dlq} to list and replay.
 */
@ApplicationScoped
public class EventDelivery {

    /** Header on a dead-lettered or parked copy: whether the failure was permanent or transient. */
    public static final String FAILURE_HEADER = "clp-failure";

    private static final Logger LOG = Logger.getLogger(EventDelivery.class);

    private final Duration within;
    private final Duration firstBackOff;
    private final Duration maxBackOff;
    private final Config config;
    /** Per consumer: when a message last ran out of in-handler retries, until one succeeds again. */
    private final Map<String, Instant> outageSeen = new ConcurrentHashMap<>();

    public EventDelivery(EventSettings settings, Config config) {
        this.within = settings.retry().within();
        this.firstBackOff = settings.retry().firstBackOff();
        this.maxBackOff = settings.retry().maxBackOff();
        this.config = config;
    }

    /**
     * Runs {@code work} for {@code message} (on the message's Vert.x context each attempt, as
     * Hibernate Reactive requires), retrying transient failures within the bound, and acks or nacks the
     * message as described above. {@code consumer} names the consumer in logs.
     */
    public CompletionStage<Void> deliver(Message<?> message, String consumer, Supplier<Uni<Void>> work) {
        // what the work publishes continues the event's trace (the message's context holds it for every attempt)
        Traces.enter(Traces.continueOrStart(EventHeaders.read(message, Traces.HEADER).orElse(null)));
        Context context = Vertx.currentContext();
        Uni<Void> attempt = Uni.createFrom().deferred(work::get);
        if (context != null) {
            // a retry resubscribes from Mutiny's timer thread; the work belongs on the message's context
            attempt = attempt.runSubscriptionOn(task -> context.runOnContext(v -> task.run()));
        }
        String eventId = EventHeaders.read(message, CloudEventHeaders.ID).orElse("(no id)");
        Instant outage = outageSeen.get(consumer);
        boolean wholeBound = outage == null || outage.plus(within).isBefore(Instant.now());
        if (wholeBound) {
            attempt = attempt
                    .onFailure(Failures::isTransient).invoke(e -> LOG.debugf("%s: event %s failed, will retry: %s", consumer, eventId, e))
                    .onFailure(Failures::isTransient).retry().withBackOff(firstBackOff, maxBackOff).expireIn(within.toMillis());
        }
        // else: the previous message spent its whole bound on a transient failure moments ago (a
        // dependency is down); this one gets a single attempt, so that a queue of messages does not
        // wait bound after bound (each queued record counts against the connector's limit too)
        return attempt.subscribeAsCompletionStage()
                .thenCompose(v -> {
                    outageSeen.remove(consumer);
                    return message.ack();
                })
                .exceptionallyCompose(e -> {
                    Throwable failure = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (wholeBound && Failures.isTransient(failure)) {
                        outageSeen.put(consumer, Instant.now());
                    }
                    return settleFailure(message, consumer, eventId, failure);
                });
    }

    private CompletionStage<Void> settleFailure(Message<?> message, String consumer, String eventId, Throwable failure) {
        boolean permanent = Failures.isPermanent(failure);
        RecordHeaders headers = new RecordHeaders();
        headers.add(FAILURE_HEADER, (permanent ? "permanent" : "transient").getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<Object> outgoing = OutgoingKafkaRecordMetadata.builder()
                .withHeaders(headers);
        if (permanent) {
            Optional<String> deadLetters = deadLetterTopic(message);
            LOG.warnf("%s: event %s can never be applied; it goes to the dead-letter topic %s: %s", consumer, eventId,
                    deadLetters.orElse("(none configured)"), failure.toString());
            deadLetters.ifPresent(outgoing::withTopic);
        } else {
            LOG.warnf("%s: event %s failed (transient) and is parked on the channel's delayed retry topic "
                    + "(dead-lettered once those retries are spent): %s", consumer, eventId, failure.toString());
        }
        return message.nack(failure, Metadata.of(outgoing.build()));
    }

    /** The channel's dead-letter topic, so that a permanent failure skips the retry topics. */
    private Optional<String> deadLetterTopic(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getChannel)
                .flatMap(channel -> config.getOptionalValue("mp.messaging.incoming." + channel + ".dead-letter-queue.topic",
                        String.class));
    }
}
