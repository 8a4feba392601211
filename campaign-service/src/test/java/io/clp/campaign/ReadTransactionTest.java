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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A read's transaction ({@code Transactions.scopedByWork} for a read, {@link SessionSql#readTransaction}), whose BEGIN
 * goes out with its first statement, against the real database: its statements share one transaction, which is
 * committed when the read succeeds and rolled back when it fails or is cancelled (after the statement in flight), so
 * no pooled connection is handed on inside one with the read's transaction-local settings.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class ReadTransactionTest {

    /** The read's backend and transaction (an id assigned for the test's sake), and a transaction-local setting, as the entry makes. */
    private static final String MARK = "SELECT pg_backend_pid(), pg_current_xact_id()::text, set_config('clp.probe', 'read', true)";
    private static final String PROBE = "SELECT coalesce(current_setting('clp.probe', true), '')";
    private static final String ROLE = ServiceCatalog.role("campaign");

    @Inject
    Transactions transactions;

    private <T> T read(Supplier<Uni<T>> work) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> transactions.scopedByWork(false, work));
    }

    /** The read's mark, kept where the test can see it. */
    private static Uni<Object[]> mark(AtomicReference<Object[]> marked) {
        return SessionSql.rows(MARK).map(rows -> {
            marked.set(rows.get(0));
            return rows.get(0);
        });
    }

    private static String status(AtomicReference<Object[]> marked) {
        return TestDatabase.text("SELECT pg_xact_status(CAST(? AS xid8))::text", (String) marked.get()[1]);
    }

    /** No connection of the service idles inside a transaction, and a new read sees no earlier read's setting. */
    private void noTransactionLeftOpen() throws Throwable {
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = ? AND state LIKE 'idle in transaction%'", ROLE) == 0);
        String setting = read(() -> SessionSql.rows(PROBE).map(rows -> (String) rows.get(0)[0]));
        assertThat(setting).isEmpty();
    }

    @Test
    void aReadsStatementsShareOneTransactionWhichItsSuccessCommits() throws Throwable {
        AtomicReference<Object[]> marked = new AtomicReference<>();
        String setting = read(() -> mark(marked).chain(() -> SessionSql.rows(PROBE)).map(rows -> (String) rows.get(0)[0]));
        assertThat(setting).isEqualTo("read");
        assertThat(status(marked)).isEqualTo("committed");
        noTransactionLeftOpen();
    }

    @Test
    void aFailedReadIsRolledBack() throws Throwable {
        AtomicReference<Object[]> marked = new AtomicReference<>();
        assertThatThrownBy(() -> read(() -> mark(marked).chain(() -> SessionSql.rows("SELECT 1 / 0"))))
                .hasMessageContaining("division by zero");
        assertThat(status(marked)).isEqualTo("aborted");

        AtomicReference<Object[]> refused = new AtomicReference<>();
        assertThatThrownBy(() -> read(() -> mark(refused).chain(() -> Uni.createFrom().failure(
                new IllegalStateException("refused by the work"))))).hasMessage("refused by the work");
        assertThat(status(refused)).isEqualTo("aborted");
        noTransactionLeftOpen();
    }

    @Test
    void aCancelledReadIsRolledBackOnceItsStatementInFlightIsDone() throws Throwable {
        AtomicReference<Object[]> marked = new AtomicReference<>();
        AtomicBoolean answered = new AtomicBoolean();
        CompletableFuture<Context> context = new CompletableFuture<>();
        CompletableFuture<Cancellable> running = new CompletableFuture<>();
        VertxContextSupport.subscribe(() -> {
            context.complete(Vertx.currentContext());
            return transactions.scopedByWork(false, () -> mark(marked).chain(() -> SessionSql.rows("SELECT pg_sleep(2)::text")))
                    .toMulti();
        }, subscribe -> running.complete(subscribe.with(rows -> answered.set(true), failure -> { })));
        Cancellable read = running.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> marked.get() != null);
        int pid = (Integer) marked.get()[0];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = 'active' AND query LIKE 'SELECT pg_sleep(2)%'", pid) == 1);

        context.get(10, TimeUnit.SECONDS).runOnContext(v -> read.cancel());
        await().atMost(Duration.ofSeconds(10)).until(() -> TestDatabase.count(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = 'idle'", pid) == 1);
        assertThat(status(marked)).isEqualTo("aborted");
        assertThat(answered).isFalse();
        noTransactionLeftOpen();
    }
}
