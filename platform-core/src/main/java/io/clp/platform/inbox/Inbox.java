package io.clp.platform.inbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The idempotent-consumer half of the event contract: a consumer calls {@link #firstDelivery} inside
 * the transaction that applies an event's effect. The event id is recorded in the same transaction,
 * so a redelivered event is recognised and skipped, and a failed effect leaves no record behind.
 */
@ApplicationScoped
public class Inbox {

    static final String RECORD = """
            INSERT INTO processed_event (event_id, consumer, processed_at) VALUES (?1, ?2, now())
            ON CONFLICT (event_id, consumer) DO NOTHING
            """;

    /** True when this consumer sees the event for the first time (and records it); false for a repeat. */
    public Uni<Boolean> firstDelivery(UUID eventId, String consumer) {
        return Panache.getSession().chain(session -> session.createNativeQuery(RECORD)
                .setParameter(1, eventId)
                .setParameter(2, consumer)
                .executeUpdate()).map(count -> count == 1);
    }
}
