package io.clp.platform.tx;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.data.Numeric;
import org.hibernate.reactive.mutiny.Mutiny;
import org.hibernate.reactive.mutiny.impl.MutinySessionImpl;
import org.hibernate.reactive.pool.ReactiveConnection;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Statements that are ours to write (a unit of work's settings, a hot path's set-based read) run on the current unit
 * of work's connection, in its transaction, straight through the reactive PostgreSQL client: no query object, no
 * query plan, no result mapping. A native query through the session costs far more than its round trip (its plan is
 * never found in Hibernate Reactive's plan cache, so each one builds and stores another), which is the better part of
 * a short request's work.
 *
 * <p>Placeholders are PostgreSQL's own ({@code $1}, {@code $2}, ...; see {@link SqlParams}). Values bind as the reactive
 * client binds them (UUID, String, LocalDate, OffsetDateTime, BigDecimal, Integer, Long, Boolean); an array value is
 * one parameter, so pass it inside the parameters' array ({@code new Object[] {ids}}), never as the whole varargs.
 * Columns arrive as the client decodes them, except that a numeric arrives as {@link BigDecimal} (and its NaN as null,
 * as Hibernate reads it). A database error arrives as from a native query: Hibernate's {@code JDBCException} over an
 * {@code SQLException} that carries the SQLSTATE.
 *
 * <p>It runs only inside a unit of work's transaction ({@link Transactions}): its settings are the transaction's and its
 * changes are attributed to the transaction's context, so a call outside one fails instead of running on its own. The
 * session is not flushed first: use it for statements that do not read the unit's own pending entity changes (a unit's
 * settings before its work, a read-only unit's reads), or flush before.
 */
public final class SessionSql {

    private static final Logger LOG = Logger.getLogger(SessionSql.class);

    private SessionSql() {
    }

    /** The statement's rows, each an array of its columns in order. */
    public static Uni<List<Object[]>> rows(String sql, Object... params) {
        return Panache.getSession()
                .chain(session -> Uni.createFrom().completionStage(() -> connection(session).select(sql, params)))
                .map(result -> {
                    List<Object[]> rows = new ArrayList<>(result.size());
                    result.forEachRemaining(row -> {
                        for (int i = 0; i < row.length; i++) {
                            if (row[i] instanceof Numeric n) {
                                row[i] = decimal(n);
                            }
                        }
                        rows.add(row);
                    });
                    return rows;
                });
    }

    /** Runs the statement for its effect (a setting, a write); the number of rows it changed. */
    public static Uni<Integer> update(String sql, Object... params) {
        return Panache.getSession()
                .chain(session -> Uni.createFrom().completionStage(() -> connection(session).update(sql, params)));
    }

    /**
     * Sends {@code first}'s statement and, at once, {@code then}'s first on the unit of work's connection: the reactive
     * client writes the second without waiting for the first's reply (it pipelines them), and PostgreSQL runs them in
     * that order, so one round trip serves both. {@code first} must send its one statement when subscribed, as
     * {@link #rows} and {@link #update} do. {@code then} must only read the database: it runs whatever {@code first}
     * turns out to answer. The outcome is {@code first}'s failure when it fails, once {@code then} has settled, so the
     * transaction never ends under one of its statements ({@code then}'s own failure, if any, is suppressed in it where
     * the exception keeps suppressed ones, as a {@code JDBCException} does, and logged at debug otherwise, as for a
     * problem); otherwise {@code then}'s. Cancelled, it cancels both.
     */
    public static <T> Uni<T> behind(Uni<?> first, Supplier<Uni<T>> then) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<?> head = first.subscribeAsCompletionStage();
            CompletableFuture<T> tail;
            try {
                tail = then.get().subscribeAsCompletionStage();
            } catch (RuntimeException e) {
                tail = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<T> next = tail;
            return Uni.createFrom().completionStage(head)
                    .onFailure().call(failure -> Uni.createFrom().completionStage(next).onItemOrFailure().transform((item, also) -> {
                        if (also != null && also != failure) {
                            failure.addSuppressed(also);
                            if (!List.of(failure.getSuppressed()).contains(also)) {
                                LOG.debugf(also, "a statement sent behind one that failed (%s) failed too", failure.getMessage());
                            }
                        }
                        return null;
                    }))
                    .chain(() -> Uni.createFrom().completionStage(next))
                    .onCancellation().invoke(() -> {
                        head.cancel(false);
                        next.cancel(false);
                    });
        });
    }

    /**
     * A read-only unit of work's transaction on the current session, whose BEGIN goes out with the work's first statement
     * ({@link #behind}) instead of a round trip before it: Hibernate Reactive's own transaction waits for BEGIN's reply.
     * It ends as that one does: flushed (whatever the session's flush mode) and committed when the work succeeds, rolled
     * back when it fails or is cancelled (the client sends the ROLLBACK after the statements still in flight), and a
     * session closed under a transaction still open rolls it back, so a pooled connection is never handed on inside one.
     * It opens no {@code Mutiny.Transaction}, so it runs no completion callbacks (a read has none), and the work must not
     * start one ({@code Panache.withTransaction}). Joins the transaction in progress, if any.
     */
    public static <T> Uni<T> readTransaction(Supplier<Uni<T>> work) {
        return Panache.getSession().chain(session -> {
            ReactiveConnection connection = impl(session).getReactiveConnection();
            if (connection.isTransactionInProgress()) {
                return work.get();
            }
            return behind(Uni.createFrom().completionStage(connection::beginTransaction), work)
                    .call(session::flush)
                    .onFailure().call(() -> Uni.createFrom().completionStage(connection::rollbackTransaction))
                    .onCancellation().call(() -> Uni.createFrom().completionStage(connection::rollbackTransaction))
                    .call(() -> Uni.createFrom().completionStage(connection::commitTransaction));
        });
    }

    /** The session's connection: Hibernate Reactive's session implementation (the one Quarkus provides) hands it over. */
    private static ReactiveConnection connection(Mutiny.Session session) {
        ReactiveConnection connection = impl(session).getReactiveConnection();
        if (!connection.isTransactionInProgress()) {
            throw new IllegalStateException("a statement of a unit of work outside its transaction");
        }
        return connection;
    }

    private static MutinySessionImpl impl(Mutiny.Session session) {
        if (!(session instanceof MutinySessionImpl impl)) {
            throw new IllegalStateException("a session of another implementation: " + session.getClass().getName());
        }
        return impl;
    }

    /** A numeric column's value; PostgreSQL's NaN has no decimal: null, as Hibernate reads it. */
    private static BigDecimal decimal(Numeric n) {
        return n.isNaN() ? null : n.bigDecimalValue();
    }
}
