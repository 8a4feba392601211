package io.clp.platform.retention;

import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Deletes each service's bookkeeping rows once they have done their job: {@code transaction_context}
 * rows (read by audit-service from the change stream within seconds; it ignores their deletion) and
 * {@code processed_event} rows (an event redelivered after the retention would be applied again, so
 * the retention must exceed the topics' redelivery horizon). Both default to 7 days
 * ({@code clp.retention.transaction-context}, {@code clp.retention.processed-events}); rows go in
 * batches so that no pass holds long locks.
 */
@ApplicationScoped
public class PlatformTablesPruner {

    private static final Logger LOG = Logger.getLogger(PlatformTablesPruner.class);
    static final int BATCH = 5000;

    static final String PRUNE_CONTEXT = """
            DELETE FROM transaction_context WHERE id IN (
                SELECT id FROM transaction_context WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)
            """;

    static final String PRUNE_INBOX = """
            DELETE FROM processed_event WHERE (event_id, consumer) IN (
                SELECT event_id, consumer FROM processed_event WHERE processed_at < ?1 ORDER BY processed_at LIMIT ?2)
            """;

    @Inject
    Transactions transactions;

    @ConfigProperty(name = "clp.retention.transaction-context", defaultValue = "P7D")
    Duration contextRetention;

    @ConfigProperty(name = "clp.retention.processed-events", defaultValue = "P7D")
    Duration inboxRetention;

    @Scheduled(every = "${clp.retention.prune-every:1h}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Disabled.class)
    Uni<Void> scheduled() {
        Instant now = Instant.now();
        return prune(now.minus(contextRetention), now.minus(inboxRetention))
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("pruned %d bookkeeping rows", count);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("pruning bookkeeping rows did not finish: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes context rows older than {@code contextsBefore} and inbox rows older than {@code eventsBefore}; returns how many. */
    public Uni<Integer> prune(Instant contextsBefore, Instant eventsBefore) {
        return batches(PRUNE_CONTEXT, contextsBefore, 0)
                .chain(contexts -> batches(PRUNE_INBOX, eventsBefore, 0).map(events -> contexts + events));
    }

    private Uni<Integer> batches(String sql, Instant before, int done) {
        return transactions.scoped(() -> Panache.getSession().chain(session -> session.createNativeQuery(sql)
                        .setParameter(1, before).setParameter(2, BATCH).executeUpdate()))
                .chain(deleted -> deleted < BATCH ? Uni.createFrom().item(done + deleted) : batches(sql, before, done + deleted));
    }

    /** Off where {@code clp.retention.enabled=false} (tests prune on demand). */
    @Singleton
    public static class Disabled implements Scheduled.SkipPredicate {

        @ConfigProperty(name = "clp.retention.enabled", defaultValue = "true")
        boolean enabled;

        @Override
        public boolean test(ScheduledExecution execution) {
            return !enabled;
        }
    }
}
