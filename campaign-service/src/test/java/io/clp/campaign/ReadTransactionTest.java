package io.clp.campaign;

import io.clp.launcher.ServiceCatalog;
import io.clp.platform.tx.SessionSql;
import io.clp.platform.tx.Transactions;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A read's transaction ({@code Transactions.scopedByWork} for a read, {@link SessionSql#readTransaction}), whose BEGIN
 * goes out with its first statement, against the real database: its statements share one transaction, and however it
 * ends (done, failed, cancelled) the transaction ends with it, so no pooled connection is handed on inside one with the
 * read's transaction-local settings.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class ReadTransactionTest {

    /** A transaction-local setting, as the organization's entry makes them. */
    private static final String SET = "SELECT set_config('clp.probe', 'read', true)";
    private static final String PROBE = "SELECT coalesce(current_setting('clp.probe', true), '')";
    /** More reads than the pool has connections, so every connection serves one. */
    private static final int EVERY_CONNECTION = 25;
    private static final String ROLE = ServiceCatalog.role("campaign");

    @Inject
    Transactions transactions;

    private <T> T read(Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> transactions.scopedByWork(false, work));
    }

    private static Uni<String> probe() {
        return SessionSql.rows(PROBE).map(rows -> (String) rows.get(0)[0]);
    }

    /** No connection of the service idles inside a transaction, and no read sees another's setting. */
    private void everyConnectionClean() throws Throwable {
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND state LIKE 'idle in transaction%'", ROLE) == 0);
        for (int i = 0; i < EVERY_CONNECTION; i++) {
            assertThat(read(ReadTransactionTest::probe)).isEmpty();
        }
    }

    @Test
    void aReadsStatementsShareOneTransactionThatEndsWithIt() throws Throwable {
        assertThat(read(() -> SessionSql.update(SET).chain(ReadTransactionTest::probe))).isEqualTo("read");
        everyConnectionClean();
    }

    @Test
    void aFailedReadIsRolledBackAndItsConnectionServesTheNext() throws Throwable {
        assertThatThrownBy(() -> read(() -> SessionSql.update(SET).chain(() -> SessionSql.rows("SELECT 1 / 0"))))
                .hasMessageContaining("division by zero");
        assertThatThrownBy(() -> read(() -> SessionSql.update(SET).chain(() -> Uni.createFrom().failure(
                new IllegalStateException("refused by the work"))))).hasMessage("refused by the work");
        everyConnectionClean();
    }

    @Test
    void aCancelledReadIsRolledBackOnceItsStatementIsDone() throws Throwable {
        CompletableFuture<Context> context = new CompletableFuture<>();
        CompletableFuture<Cancellable> running = new CompletableFuture<>();
        VertxContextSupport.subscribe(() -> {
            context.complete(Vertx.currentContext());
            return transactions.scopedByWork(false, () -> SessionSql.update(SET).chain(() -> SessionSql.rows("SELECT pg_sleep(0.5)::text")))
                    .toMulti();
        }, subscribe -> running.complete(subscribe.with(rows -> { }, failure -> { })));
        Cancellable read = running.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND state = 'active' AND query LIKE 'SELECT pg_sleep(0.5)%'",
                ROLE) == 1);
        context.get(10, TimeUnit.SECONDS).runOnContext(v -> read.cancel());
        everyConnectionClean();
    }
}
