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

import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A read model kept from another service's events: each event is applied once (its id is recorded
 * in the inbox in the same transaction as the effect), in the service's own (system) scope, and
 * attributed to whoever caused the event: the transaction's context names the event's
 * {@code ce_actor} via this service ({@link Actor#causedBy}). Events are read with the tolerant
 * {@link EventJson} mapper, so a field added to an event after this consumer was built is ignored.
 * A transient failure (database restarting, deadlock) is retried, first in the handler and then from
 * the channel's delayed retry topics; only an event that can never be applied (unreadable, invalid)
 * goes straight to the channel's dead-letter topic ({@link EventDelivery}).
 */
public abstract class EventProjection {

    @Inject
    protected Transactions transactions;

    @Inject
    @EventJson
    protected ObjectMapper json;

    @Inject
    protected Actor actor;

    @Inject
    Inbox inbox;

    @Inject
    EventDelivery delivery;

    @ConfigProperty(name = "clp.service.name")
    String service;

    /** The consumer's name in the inbox, after the service's: {@code <service>-<name>}. */
    protected abstract String name();

    /**
     * The effect of one event, by CloudEvents type; an unknown type is skipped. {@code cause} is who the
     * effect is done for; hand it to {@link #once}.
     */
    protected abstract Uni<Void> apply(String type, String eventId, String payload, Actor.Identity cause) throws Exception;

    /**
     * Applies the message's event and settles it as {@link EventDelivery} describes: transient
     * failures are retried (in the handler, then from the channel's delayed retry topics), a message
     * that can never be applied goes to the dead-letter topic at once.
     */
    protected CompletionStage<Void> handle(Message<String> message) {
        return delivery.deliver(message, service + "-" + name(), () -> {
            try {
                return apply(EventHeaders.require(message, CloudEventHeaders.TYPE), EventHeaders.require(message, CloudEventHeaders.ID),
                        message.getPayload(), actor.causedBy(EventHeaders.read(message, CloudEventHeaders.ACTOR).orElse(null)));
            } catch (Exception e) {
                return Uni.createFrom().failure(Failures.isPermanent(e) ? new Failures.Permanent("unreadable event: " + e.getMessage(), e) : e);
            }
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
