package io.clp.platform.tx;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.function.Supplier;

/**
 * Runs a unit of work in one reactive transaction that first records its context (actor, request
 * id) in the schema's {@code transaction_context} table. Debezium streams that row with the same
 * transaction id as the changes, which is how the audit trail names who made each change.
 */
@ApplicationScoped
public class Transactions {

    static final String STAMP = """
            INSERT INTO transaction_context (id, tx_id, actor, user_id, actor_name, request_id, service, created_at)
            VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint % 4294967296, ?1, CAST(?2 AS uuid), ?3, ?4, ?5, now())
            """;

    @Inject
    Actor actor;

    public <T> Uni<T> write(Supplier<Uni<T>> work) {
        return Panache.withTransaction(() -> stamp().chain(() -> work.get()));
    }

    public Uni<Void> stamp() {
        Actor.Identity who = actor.current();
        return Panache.getSession().chain(session -> session.createNativeQuery(STAMP)
                .setParameter(1, who.actor())
                .setParameter(2, who.userId())
                .setParameter(3, who.name())
                .setParameter(4, who.requestId())
                .setParameter(5, actor.serviceName())
                .executeUpdate()).replaceWithVoid();
    }
}
