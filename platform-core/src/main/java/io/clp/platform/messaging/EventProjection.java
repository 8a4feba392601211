package io.clp.platform.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.CloudEventHeaders;
import io.clp.platform.tx.Actor;
import io.smallrye.mutiny.Uni;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A read model kept from another service's events: each event is applied once (its id is recorded
 * in the inbox in the same transaction as the effect), in the service's own (system) scope, and
 * attributed to whoever caused the event: the transaction's context names the event's
 * {@code ce_actor} via this service ({@link Actor#causedBy}). Events are dispatched by class
 * ({@link EventHandlers}) and read with the tolerant {@link EventJson} mapper, so a field added to an
 * event after this consumer was built is ignored; a type the projection has no handler for is skipped.
 * A transient failure (database restarting, deadlock) is retried, first in the handler and then from
 * the channel's delayed retry topics; only an event that can never be applied (unreadable, invalid)
 * goes straight to the channel's dead-letter topic ({@link EventDelivery}).
 * <p>
 * A service keeps a projection by declaring a bean of it whose {@code @Incoming} methods call
 * {@link #handle}: the channels it consumes are then named in its own source.
 */
public abstract class EventProjection {

    /** The event being applied: its CloudEvents id (recorded in the inbox) and whom the effect is done for. */
    public record Received(String eventId, Actor.Identity cause) {
    }

    private final ProjectionSupport support;
    private final String consumer;

    /** {@code name}: the consumer's name in the inbox, after the service's ({@code <service>-<name>}). */
    protected EventProjection(ProjectionSupport support, String name) {
        this.support = support;
        this.consumer = support.service + "-" + name;
    }

    /** The effect of each event class the projection keeps; built once, in the constructor. */
    protected abstract EventHandlers<Received> handlers();

    /** A handler table reading events with the tolerant {@link EventJson} mapper. */
    protected EventHandlers.Builder<Received> eventHandlers() {
        return support.handlers();
    }

    /** The tolerant {@link EventJson} mapper. */
    protected ObjectMapper json() {
        return support.json;
    }

    /**
     * Applies the message's event and settles it as {@link EventDelivery} describes: transient
     * failures are retried (in the handler, then from the channel's delayed retry topics), a message
     * that can never be applied goes to the dead-letter topic at once.
     */
    protected CompletionStage<Void> handle(Message<String> message) {
        return support.delivery.deliver(message, consumer, () -> {
            try {
                String type = EventHeaders.require(message, CloudEventHeaders.TYPE);
                Received received = new Received(EventHeaders.require(message, CloudEventHeaders.ID),
                        support.actor.causedBy(EventHeaders.read(message, CloudEventHeaders.ACTOR).orElse(null)));
                return handlers().dispatch(type, message.getPayload(), received);
            } catch (Exception e) {
                return Uni.createFrom().failure(Failures.isPermanent(e) ? new Failures.Permanent("unreadable event: " + e.getMessage(), e) : e);
            }
        });
    }

    /**
     * Applies {@code effect} unless this consumer has seen the event before, in a transaction whose
     * context names the event's cause (a repeat records nothing).
     */
    protected Uni<Void> once(Received event, Supplier<Uni<Integer>> effect) {
        UUID id = UUID.fromString(event.eventId());
        return support.transactions.scoped(() -> support.inbox.firstDelivery(id, consumer)
                .chain(first -> first
                        ? support.transactions.attribute(event.cause()).chain(effect::get).replaceWithVoid()
                        : Uni.createFrom().voidItem()));
    }
}
