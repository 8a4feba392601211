package io.clp.platform.retention;

import io.clp.events.Topics;
import io.clp.platform.messaging.EventSettings;
import io.clp.platform.tx.Transactions;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes each service's bookkeeping rows once they have done their job: {@code transaction_context}
 * rows (read by audit-service from the change stream within seconds; it ignores their deletion; 7
 * days, {@code clp.retention.transaction-context}) and {@code processed_event} rows (14 days,
 * {@code clp.retention.processed-events}). An event redelivered after its inbox row is gone would be
 * applied again, so the inbox must outlive the event topics: the service refuses to start unless
 * {@code clp.retention.processed-events} is longer than {@code clp.events.topic-retention}, the
 * {@code retention.ms} of the {@code clp.events.*} topics (7 days, {@link Topics#EVENTS_RETENTION}).
 * The read models of other services' entities are ordered by the entities' versions and keep
 * tombstones ({@code OrganizationRefs}, {@code GrantReadModel}), so for them a replay beyond the
 * inbox (a consumer group reset to the earliest offset, a compacted state topic read again) is
 * harmless anyway; the check protects consumers whose effects are not idempotent by themselves.
 * A service adds tables of its own as {@link PrunedTable} beans. Rows go in batches so that no pass
 * holds long locks.
 */
@ApplicationScoped
public class PlatformTablesPruner {

    private static final Logger LOG = Logger.getLogger(PlatformTablesPruner.class);
    static final int BATCH = 5000;

    private final Transactions transactions;
    private final Duration contextRetention;
    private final Duration inboxRetention;
    private final Duration topicRetention;
    private final Instance<PrunedTable> serviceTables;

    public PlatformTablesPruner(Transactions transactions, RetentionSettings retention, EventSettings events,
                                Instance<PrunedTable> serviceTables) {
        this.transactions = transactions;
        this.contextRetention = retention.transactionContext();
        this.inboxRetention = retention.processedEvents();
        this.topicRetention = events.topicRetention();
        this.serviceTables = serviceTables;
    }

    void checkRetention(@Observes StartupEvent event) {
        requireInboxOutlivesTopics(inboxRetention, topicRetention);
    }

    /** Fails (and with it the start) when an applied event's id could be forgotten while the topic still holds the event. */
    static void requireInboxOutlivesTopics(Duration inbox, Duration topics) {
        if (inbox.compareTo(topics) <= 0) {
            throw new IllegalStateException("clp.retention.processed-events (" + inbox + ") must be longer than "
                    + "clp.events.topic-retention (" + topics + "), the retention of the event topics: otherwise an event "
                    + "redelivered after its id was pruned from the inbox would be applied twice");
        }
    }

    /** The platform's own tables, then the service's. */
    List<PrunedTable> tables() {
        List<PrunedTable> tables = new ArrayList<>(List.of(
                new PrunedTable("transaction_context", "id", "created_at", contextRetention),
                new PrunedTable("processed_event", "event_id, consumer", "processed_at", inboxRetention)));
        serviceTables.forEach(tables::add);
        return tables;
    }

    /** Off where {@code clp.retention.prune-every=off} (tests prune on demand). */
    @Scheduled(every = "${clp.retention.prune-every}", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return prune(Instant.now())
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("pruned %d bookkeeping rows", count);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("pruning bookkeeping rows did not finish: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes, table by table, the rows that are past their retention at {@code now}; returns how many. */
    public Uni<Integer> prune(Instant now) {
        Uni<Integer> total = Uni.createFrom().item(0);
        for (PrunedTable table : tables()) {
            total = total.chain(sum -> batches(table.deleteBatch(), now.minus(table.retention()), 0).map(n -> sum + n));
        }
        return total;
    }

    private Uni<Integer> batches(String sql, Instant before, int done) {
        return transactions.scoped(() -> Panache.getSession().chain(session -> session.createNativeQuery(sql)
                        .setParameter(1, before).setParameter(2, BATCH).executeUpdate()))
                .chain(deleted -> deleted < BATCH ? Uni.createFrom().item(done + deleted) : batches(sql, before, done + deleted));
    }
}
