package io.clp.identity;

import io.clp.testing.TestPostgres;
import io.restassured.response.Response;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Puts concurrent requests in a chosen order: a test holds a row lock (or an uncommitted row) in
 * its own transaction, starts requests one by one, waiting each time until the new one is queued
 * behind the lock in PostgreSQL, then lets them all go. Requests queued on the same lock proceed in
 * the order they queued.
 */
public final class Interleaving implements AutoCloseable {

    private static final ExecutorService REQUESTS = Executors.newCachedThreadPool();

    private final Connection holder;

    private Interleaving(Connection holder) {
        this.holder = holder;
    }

    /** Runs {@code sql} (for example a SELECT ... FOR UPDATE) as the superuser in a transaction kept open. */
    public static Interleaving hold(String sql, Object... args) {
        try {
            Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.execute();
            }
            return new Interleaving(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a request on another thread. */
    public static CompletableFuture<Response> start(Supplier<Response> request) {
        return CompletableFuture.supplyAsync(request, REQUESTS);
    }

    /** Sessions of the database waiting for a lock. */
    public static long waiting() {
        return io.clp.testing.TestDatabase.count(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
    }

    /** Waits until {@code n} sessions wait for a lock, or one of {@code requests} has already answered. */
    public static void awaitWaiting(long n, CompletableFuture<?>... requests) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (CompletableFuture<?> r : requests) {
                if (r.isDone()) {
                    return true;
                }
            }
            return waiting() >= n;
        });
    }

    /** Commits the holder's transaction: its locks are released. */
    public void release() {
        end(true);
    }

    /** Rolls the holder's transaction back: its uncommitted rows never existed. */
    public void abandon() {
        end(false);
    }

    private void end(boolean commit) {
        try {
            if (!holder.isClosed()) {
                if (commit) {
                    holder.commit();
                } else {
                    holder.rollback();
                }
                holder.close();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        end(false);
    }
}
