package io.clp.platform.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.CloudEventHeaders;
import io.clp.platform.inbox.Inbox;
import io.clp.platform.tx.Actor;
import io.clp.platform.tx.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A read model kept from another service's events: each event is applied once (its id is recorded
 * in the inbox in the same transaction as the effect), in the service's own (system) scope, and
 * attributed to whoever caused the event: the transaction's context names the event's
 * {@code ce_actor} via this service ({@link Actor#causedBy}). Events are read with the tolerant
 * {@link EventJson} mapper, so a field added to an event after this consumer was built is ignored.
 * An event that cannot be read or applied is nacked, which sends it to the channel's dead-letter topic.
 */
public abstract class EventProjection {

    private static final Logger LOG = Logger.getLogger(EventProjection.class);

    @Inject
    protected Transactions transactions;

    @Inject
    @EventJson
    protected ObjectMapper json;

    @Inject
    protected Actor actor;

    @Inject
    Inbox inbox;

    @ConfigProperty(name = "clp.service.name")
    String service;

    /** The consumer's name in the inbox, after the service's: {@code <service>-<name>}. */
    protected abstract String name();

    /**
     * The effect of one event, by CloudEvents type; an unknown type is skipped. {@code cause} is who the
     * effect is done for; hand it to {@link #once}.
     */
    protected abstract Uni<Void> apply(String type, String eventId, String payload, Actor.Identity cause) throws Exception;

    protected CompletionStage<Void> handle(Message<String> message) {
        Uni<Void> work;
        try {
            work = apply(EventHeaders.require(message, CloudEventHeaders.TYPE), EventHeaders.require(message, CloudEventHeaders.ID),
                    message.getPayload(), actor.causedBy(EventHeaders.read(message, CloudEventHeaders.ACTOR).orElse(null)));
        } catch (Exception e) {
            work = Uni.createFrom().failure(new IllegalArgumentException("unreadable event: " + e.getMessage(), e));
        }
        return work.subscribeAsCompletionStage().thenCompose(v -> message.ack()).exceptionallyCompose(e -> {
            LOG.warnf("%s: event %s could not be applied; it goes to the dead-letter topic: %s", name(),
                    EventHeaders.read(message, CloudEventHeaders.ID).orElse("(no id)"), e.toString());
            return message.nack(e);
        });
    }

    /**
     * Applies {@code effect} unless this consumer has seen the event before, in a transaction whose
     * context names {@code cause} (a repeat records nothing).
     */
    protected Uni<Void> once(String eventId, Actor.Identity cause, Supplier<Uni<Integer>> effect) {
        UUID id = UUID.fromString(eventId);
        return transactions.scoped(() -> inbox.firstDelivery(id, service + "-" + name())
                .chain(first -> first
                        ? transactions.attribute(cause).chain(effect::get).replaceWithVoid()
                        : Uni.createFrom().voidItem()));
    }
}
