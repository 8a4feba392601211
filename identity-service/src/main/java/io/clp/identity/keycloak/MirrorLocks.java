package io.clp.identity.keycloak;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * Keeps the event-driven mirrors ({@link OrganizationMirror}, {@link ApiKeyMirror}) and the {@link KeycloakReconciler} (of any
 * instance) from acting on the same organization or API key at once. Each takes the entity's lock
 * before it re-reads identity's rows and holds it until its last Keycloak write for that entity, so
 * what it read stays the truth while it writes: a change that commits meanwhile is applied by
 * whoever takes the lock next, with the newer rows, and never overwritten by an older read.
 *
 * <p>The lock is a session-level PostgreSQL advisory lock on a connection of its own (a transaction
 * lock would end with the read), keyed by the two-int form, with a namespace per kind of entity that
 * the reconciliation lease's single bigint key cannot collide with. Hash collisions only make two
 * entities wait for each other. Callers hold at most one such connection at a time.
 */
@ApplicationScoped
public class MirrorLocks {

    /** "clpo" and "clpk": the namespaces of organization and key locks. */
    static final int ORGANIZATION = 0x636c_706f;
    static final int KEY = 0x636c_706b;

    private final Pool pool;

    public MirrorLocks(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} holding the organization's lock, waiting for it if another holds it. */
    public <T> Uni<T> organization(UUID orgId, Supplier<Uni<T>> work) {
        return holding(ORGANIZATION, orgId, work);
    }

    /** Runs {@code work} holding the API key's lock, waiting for it if another holds it. */
    public <T> Uni<T> key(UUID keyId, Supplier<Uni<T>> work) {
        return holding(KEY, keyId, work);
    }

    private <T> Uni<T> holding(int namespace, UUID id, Supplier<Uni<T>> work) {
        Tuple key = Tuple.of(namespace, id.toString());
        return pool.getConnection().chain(connection -> connection.preparedQuery("SELECT pg_advisory_lock($1, hashtext($2))")
                .execute(key)
                .chain(() -> Uni.createFrom().<T>deferred(work::get)
                        .onTermination().call(() -> connection.preparedQuery("SELECT pg_advisory_unlock($1, hashtext($2))")
                                .execute(key)
                                .onFailure().recoverWithNull()))
                .onTermination().call(connection::close));
    }
}
