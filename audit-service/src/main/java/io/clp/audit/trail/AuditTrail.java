package io.clp.audit.trail;

import io.clp.platform.inbox.Inbox;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Turns change events into audit_logs rows and attributes them to an actor. A service writes its
 * transaction_context row in the same transaction as its changes, but Debezium streams tables to
 * different topics, so either may arrive first: a change looks up its context, a context fills in
 * the changes already recorded. Both paths take the same advisory lock on (service, transaction),
 * so they never miss each other.
 */
@ApplicationScoped
public class AuditTrail {

    static final String CONSUMER = "audit-trail";

    static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(?1, ?2))";

    static final String SAVE_CONTEXT = """
            INSERT INTO transaction_contexts (id, source_service, tx_id, actor, user_id, actor_name, request_id, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO NOTHING""";

    static final String ATTRIBUTE = """
            UPDATE audit_logs SET actor = ?1, user_id = ?2, actor_name = ?3, request_id = ?4
            WHERE source_service = ?5 AND tx_id = ?6 AND actor IS NULL""";

    @Inject
    Inbox inbox;

    @Inject
    Transactions transactions;

    public Uni<Void> record(ChangeEvent event) {
        if (!event.isTransactionContext() && event.action().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transactions.scoped(() -> inbox.firstDelivery(event.eventId(), CONSUMER).chain(first -> {
            if (!first) {
                return Uni.createFrom().voidItem();
            }
            return lock(event).chain(() -> event.isTransactionContext() ? saveContext(event) : saveChange(event));
        }));
    }

    private Uni<Void> lock(ChangeEvent event) {
        return Panache.getSession().chain(s -> s.createNativeQuery(LOCK)
                .setParameter(1, event.schema())
                .setParameter(2, event.txId())
                .getSingleResult()).replaceWithVoid();
    }

    private Uni<Void> saveContext(ChangeEvent event) {
        Map<String, Object> row = event.after();
        if (row == null) {
            return Uni.createFrom().voidItem();
        }
        UUID userId = ChangeEvent.uuid(row, "user_id").orElse(null);
        return Panache.getSession().chain(s -> s.createNativeQuery(SAVE_CONTEXT)
                        .setParameter(1, ChangeEvent.uuid(row, "id").orElseThrow())
                        .setParameter(2, event.schema())
                        .setParameter(3, event.txId())
                        .setParameter(4, (String) row.get("actor"))
                        .setParameter(5, userId)
                        .setParameter(6, (String) row.get("actor_name"))
                        .setParameter(7, (String) row.get("request_id"))
                        .setParameter(8, event.committedAt())
                        .executeUpdate()
                .chain(() -> s.createNativeQuery(ATTRIBUTE)
                        .setParameter(1, (String) row.get("actor"))
                        .setParameter(2, userId)
                        .setParameter(3, (String) row.get("actor_name"))
                        .setParameter(4, (String) row.get("request_id"))
                        .setParameter(5, event.schema())
                        .setParameter(6, event.txId())
                        .executeUpdate()))
                .replaceWithVoid();
    }

    private Uni<Void> saveChange(ChangeEvent event) {
        return TransactionContext.find("sourceService = ?1 and txId = ?2", event.schema(), event.txId())
                .<TransactionContext>firstResult()
                .chain(context -> {
                    AuditLog log = new AuditLog();
                    log.id = UUID.randomUUID();
                    log.orgId = event.orgId().orElse(null);
                    log.action = event.action().orElseThrow();
                    log.resourceType = event.table();
                    log.resourceId = event.resourceId().orElse(null);
                    log.oldValues = event.before();
                    log.newValues = event.after();
                    log.changes = event.action().get().equals("update") ? event.changes() : null;
                    log.sourceService = event.schema();
                    log.txId = event.txId();
                    log.committedAt = event.committedAt();
                    log.createdAt = Instant.now();
                    if (context != null) {
                        log.actor = context.actor;
                        log.userId = context.userId;
                        log.actorName = context.actorName;
                        log.requestId = context.requestId;
                    }
                    return log.persist().replaceWithVoid();
                });
    }
}
