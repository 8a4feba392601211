package io.clp.platform.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.DomainEvent;
import io.clp.events.EventTypes;
import io.smallrye.mutiny.Uni;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A consumer's handlers by event class, built once: {@code on(OrganizationCreated.class, (org, ctx) -> ...)}.
 * Each class is mapped to its CloudEvents type through the event catalogue ({@link EventTypes}) when
 * the table is built, so a class without a type, or a type handled twice, fails the consumer's
 * construction (at start-up) rather than a message. A message is read into its class with the
 * tolerant {@link EventJson} mapper; a type without a handler is skipped, as consumers skip events
 * they do not care about. {@code C} is what the consumer hands every handler besides the event (the
 * event's id and cause, say).
 */
public final class EventHandlers<C> {

    /** What a consumer does with one event of class {@code E}. */
    @FunctionalInterface
    public interface Handler<E, C> {
        Uni<Void> handle(E event, C context) throws Exception;
    }

    private record Entry<E, C>(Class<E> event, Handler<? super E, C> handler) {
    }

    private final ObjectMapper json;
    private final Map<String, Entry<?, C>> byType;

    private EventHandlers(ObjectMapper json, Map<String, Entry<?, C>> byType) {
        this.json = json;
        this.byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
    }

    /** A table whose events are read with {@code json} (the {@link EventJson} mapper). */
    public static <C> Builder<C> reading(ObjectMapper json) {
        return new Builder<>(json);
    }

    /** The CloudEvents types this table handles. */
    public Set<String> types() {
        return byType.keySet();
    }

    /**
     * Reads {@code payload} into the class registered for {@code type} and runs its handler; a type
     * without a handler (or no type at all) is skipped. An unreadable payload throws the mapper's
     * exception (a permanent failure, see {@link Failures}).
     */
    public Uni<Void> dispatch(String type, String payload, C context) throws Exception {
        Entry<?, C> entry = type == null ? null : byType.get(type);
        return entry == null ? Uni.createFrom().voidItem() : run(entry, payload, context);
    }

    private <E> Uni<Void> run(Entry<E, C> entry, String payload, C context) throws Exception {
        return entry.handler().handle(json.readValue(payload, entry.event()), context);
    }

    public static final class Builder<C> {

        private final ObjectMapper json;
        private final Map<String, Entry<?, C>> byType = new LinkedHashMap<>();

        private Builder(ObjectMapper json) {
            this.json = Objects.requireNonNull(json, "json");
        }

        /**
         * Handles events of {@code event}: an event record, or an interface (such as
         * {@code OrganizationEvent}) standing for each catalogued event that implements it, each read
         * into its own record. Fails if the class is not in the catalogue or a type is already handled.
         */
        public <E extends DomainEvent> Builder<C> on(Class<E> event, Handler<? super E, C> handler) {
            Objects.requireNonNull(handler, "handler");
            if (event.isInterface()) {
                var events = EventTypes.all(event);
                if (events.isEmpty()) {
                    throw new IllegalArgumentException("no catalogued event implements " + event.getName());
                }
                events.forEach(e -> add(e, handler));
            } else {
                add(event, handler);
            }
            return this;
        }

        private <E extends DomainEvent> void add(Class<E> event, Handler<? super E, C> handler) {
            String type = EventTypes.of(event);
            Entry<?, C> previous = byType.putIfAbsent(type, new Entry<>(event, handler));
            if (previous != null) {
                throw new IllegalArgumentException(type + " is handled twice (" + previous.event().getName() + ")");
            }
        }

        public EventHandlers<C> build() {
            return new EventHandlers<>(json, byType);
        }
    }
}
