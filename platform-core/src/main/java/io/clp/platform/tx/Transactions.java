package io.clp.platform.tx;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * Every unit of work runs in one reactive transaction that carries its scope for row-level security
 * (the user it acts for, the organizations it may see, or the service's own system scope; see
 * db/platform/V0_2) as transaction-local settings, so nothing leaks to the next user of the pooled
 * connection.
 *
 * <p>{@link #write} also records the transaction's context (actor, request id) in the schema's
 * {@code transaction_context} table. Debezium streams that row with the same transaction id as the
 * changes, which is how the audit trail names who made each change.
 */
@Singleton
public class Transactions {

    static final String STAMP = """
            INSERT INTO transaction_context (id, tx_id, actor, user_id, actor_name, request_id, service, created_at)
            VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint % 4294967296, $1, CAST($2 AS uuid), $3, $4, $5, now())
            """;

    /** The actor's scope (db/platform V0_15). */
    static final String SCOPE = "SELECT clp_set_scope($1, $2)";

    /** One more organization whose rows the transaction sees (db/platform V0_15). */
    static final String ALLOW_ORG = "SELECT clp_allow_organization($1)";

    /**
     * The parameters of {@code clp_set_scope} for an actor: the user it acts for ({@code null} for the service itself)
     * and the scope's kind, {@code user} or {@code system}.
     */
    public record Scope(String userId, String kind) {

        static Scope of(Actor.Identity who) {
            return who.system() ? new Scope(null, "system") : new Scope(who.userId(), "user");
        }
    }

    @Inject
    Actor actor;

    /** A transaction that changes data: scoped to the actor, with its context recorded for the audit trail. */
    public <T> Uni<T> write(Supplier<Uni<T>> work) {
        return Panache.withTransaction(() -> {
            Actor.Identity who = actor.current();
            return scope(who).chain(() -> attribute(who)).chain(() -> work.get());
        });
    }

    /**
     * A transaction scoped to the actor that records no context: for reads, and for effects that are
     * not themselves audited (the audit trail's own rows).
     */
    public <T> Uni<T> scoped(Supplier<Uni<T>> work) {
        return Panache.withTransaction(() -> scope(actor.current()).chain(() -> work.get()));
    }

    /**
     * As {@link #write} ({@code change}) or {@link #scoped}, but the transaction's scope is left to the work's first
     * statement, which sets it in the same round trip as what else it does, with the parameters {@link #scope()}
     * gives, before anything it reads (as {@code clp_enter_organization(org, user, scope)} does, platform-tenancy
     * V0_16). Until then the transaction sees no organization's rows and is not in the system scope, so a work that
     * never sets it sees nothing: it fails closed. A change's context is recorded first, as {@link #write} records it; a
     * read's BEGIN goes out with its first statement ({@link SessionSql#readTransaction}).
     */
    public <T> Uni<T> scopedByWork(boolean change, Supplier<Uni<T>> work) {
        if (change) {
            return Panache.withTransaction(() -> attribute(actor.current()).chain(() -> work.get()));
        }
        return Panache.withSession(() -> SessionSql.readTransaction(work));
    }

    /** The scope of the current actor, as {@link #write} and {@link #scoped} set it. */
    public Scope scope() {
        return Scope.of(actor.current());
    }

    /**
     * Records, in the current transaction, that its changes are made by {@code who}: for work that
     * decides inside its transaction whether it changes anything (a consumer records a redelivered
     * event as a no-op, and attributes only what it applies).
     */
    public Uni<Void> attribute(Actor.Identity who) {
        return SessionSql.update(STAMP, who.actor(), who.userId(), who.name(), who.requestId(), actor.serviceName()).replaceWithVoid();
    }

    /**
     * Lets the current transaction see (and write) one organization's rows. Call it once the caller's
     * right to that organization is established.
     */
    public Uni<Void> allowOrganization(UUID orgId) {
        return SessionSql.rows(ALLOW_ORG, orgId).replaceWithVoid();
    }

    private Uni<Void> scope(Actor.Identity who) {
        Scope scope = Scope.of(who);
        return SessionSql.rows(SCOPE, scope.userId(), scope.kind()).replaceWithVoid();
    }
}
