package io.clp.platform.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.platform.inbox.Inbox;
import io.clp.platform.tx.Actor;
import io.clp.platform.tx.Transactions;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What every {@link EventProjection} needs to apply an event once, in one bean so that a service's
 * projection has a one-argument constructor. A singleton, not a proxied bean: projections read its
 * fields directly.
 */
@Singleton
public class ProjectionSupport {

    final Transactions transactions;
    final ObjectMapper json;
    final Actor actor;
    final Inbox inbox;
    final EventDelivery delivery;
    final String service;

    public ProjectionSupport(Transactions transactions, @EventJson ObjectMapper json, Actor actor, Inbox inbox,
                             EventDelivery delivery, @ConfigProperty(name = "clp.service.name") String service) {
        this.transactions = transactions;
        this.json = json;
        this.actor = actor;
        this.inbox = inbox;
        this.delivery = delivery;
        this.service = service;
    }

    /** A handler table reading events with the tolerant {@link EventJson} mapper. */
    public <C> EventHandlers.Builder<C> handlers() {
        return EventHandlers.reading(json);
    }

    /**
     * Builds every projection at start-up: a projection builds its handler table in its constructor,
     * and a bean is otherwise only made when its first message arrives, so a handler for an event
     * outside the catalogue would fail every message instead of the start.
     */
    void buildProjections(@Observes StartupEvent start, @Any Instance<EventProjection> projections) {
        projections.forEach(EventProjection::handlers);
    }
}
