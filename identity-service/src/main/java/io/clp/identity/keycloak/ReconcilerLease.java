package io.clp.identity.keycloak;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.function.Function;

/**
 * Keeps reconciliation passes of all identity-service instances apart for as long as a pass runs: a
 * session-level advisory lock taken on a connection of its own, held until the pass ends and released
 * then. If the connection breaks the lock is gone with it, so the pass checks that it still holds the
 * lock before every change it makes to Keycloak and stops otherwise.
 */
@ApplicationScoped
public class ReconcilerLease {

    static final long KEY = 0x636c_705f_6b63L; // "clp_kc"

    /** Thrown when the pass no longer holds the lease. */
    public static final class LeaseLost extends IllegalStateException {
        LeaseLost(String message) {
            super(message);
        }
    }

    /** The lease of one pass: {@link #check()} fails once it is no longer held. */
    public static final class Held {
        private final SqlConnection connection;

        Held(SqlConnection connection) {
            this.connection = connection;
        }

        public Uni<Void> check() {
            return connection.preparedQuery("""
                            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
                              AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1::bigint""")
                    .execute(Tuple.of(KEY))
                    .onFailure().transform(e -> new LeaseLost("the reconciliation lease's connection failed: " + e))
                    .chain(rows -> rows.iterator().next().getLong(0) == 1 ? Uni.createFrom().voidItem()
                            : Uni.createFrom().failure(new LeaseLost("the reconciliation lease is no longer held")));
        }
    }

    private final Pool pool;

    public ReconcilerLease(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} while holding the lease; empty without running it when another instance holds it. */
    public <T> Uni<Optional<T>> whileHeld(Function<Held, Uni<T>> work) {
        return pool.getConnection().chain(connection -> connection.preparedQuery("SELECT pg_try_advisory_lock($1)")
                .execute(Tuple.of(KEY))
                .map(rows -> rows.iterator().next().getBoolean(0))
                .chain(held -> !held ? Uni.createFrom().item(Optional.<T>empty())
                        : work.apply(new Held(connection)).map(Optional::ofNullable)
                                .onTermination().call(() -> connection.preparedQuery("SELECT pg_advisory_unlock($1)")
                                        .execute(Tuple.of(KEY))
                                        .onFailure().recoverWithNull()))
                .onTermination().call(connection::close));
    }
}
