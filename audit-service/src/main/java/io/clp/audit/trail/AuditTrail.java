package io.clp.audit.trail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns change events into audit_logs rows and attributes them to an actor, a whole poll of the
 * change stream in one transaction and a handful of statements, whatever its size.
 *
 * <p>A service writes its transaction_context row in the same transaction as its changes, but
 * Debezium streams tables to different topics, so either may arrive first, in the same poll or in
 * different ones: the batch's contexts are stored first, its changes are inserted joined to the
 * contexts known by then, and the batch's contexts then attribute the changes that arrived before
 * them. Two transactions that record a change and its context concurrently (two instances sharing
 * the partitions) could each miss the other's uncommitted row, so each batch first takes the
 * advisory lock of every (service, transaction) it names, in sorted order so that two batches never
 * deadlock; the keys are the ones the per-change consumer used.
 *
 * <p>A redelivered change is recognised by its own identity ({@link ChangeEvent#eventId()}, unique
 * on the row it produced) rather than by an inbox row per change; a context by its id.
 */
@ApplicationScoped
public class AuditTrail {

    /** The consumer name under which changes were de-duplicated before change_id existed (V5). */
    static final String CONSUMER = "audit-trail";

    /**
     * The batch's advisory locks; and its statements are planned for the values they are given, every time
     * ({@code plan_cache_mode}): the reactive client keeps its statements prepared, and PostgreSQL may settle a prepared
     * statement on one generic plan, but what {@link #ATTRIBUTE_EARLIER_CHANGES} costs depends on how many changes the
     * batch's transactions left unattributed, which a plan made for any values cannot know.
     */
    static final String LOCK = """
            SELECT count(pg_advisory_xact_lock(k)), set_config('plan_cache_mode', 'force_custom_plan', true) FROM (
                SELECT DISTINCT hashtextextended(x.source_service, x.tx_id) AS k
                FROM jsonb_to_recordset(CAST(CAST(?1 AS text) AS jsonb)) AS x(source_service text, tx_id bigint)
                ORDER BY 1) keys""";

    static final String SAVE_CONTEXTS = """
            INSERT INTO transaction_contexts (id, source_service, tx_id, actor, user_id, actor_name, request_id, created_at)
            SELECT c.id, c.source_service, c.tx_id, c.actor, c.user_id, c.actor_name, c.request_id, c.created_at
            FROM jsonb_to_recordset(CAST(CAST(?1 AS text) AS jsonb)) AS c(id uuid, source_service text, tx_id bigint, actor text,
                 user_id uuid, actor_name text, request_id text, created_at timestamptz)
            ON CONFLICT (id) DO NOTHING""";

    static final String SAVE_CHANGES = """
            INSERT INTO audit_logs (id, change_id, org_id, action, resource_type, resource_id, old_values, new_values,
                                    changes, source_service, tx_id, committed_at, created_at,
                                    actor, user_id, actor_name, request_id)
            SELECT clp_uuid_v7(), c.change_id, c.org_id, c.action, c.resource_type, c.resource_id, c.old_values,
                   c.new_values, c.changes, c.source_service, c.tx_id, c.committed_at, clock_timestamp(),
                   ctx.actor, ctx.user_id, ctx.actor_name, ctx.request_id
            FROM jsonb_to_recordset(CAST(CAST(?1 AS text) AS jsonb)) AS c(change_id uuid, org_id uuid, action text, resource_type text,
                 resource_id uuid, old_values jsonb, new_values jsonb, changes jsonb, source_service text, tx_id bigint,
                 committed_at timestamptz)
            LEFT JOIN LATERAL (
                SELECT t.actor, t.user_id, t.actor_name, t.request_id FROM transaction_contexts t
                WHERE t.source_service = c.source_service AND t.tx_id = c.tx_id
                ORDER BY t.created_at LIMIT 1) ctx ON true
            WHERE NOT EXISTS (SELECT 1 FROM processed_event p WHERE p.event_id = c.change_id AND p.consumer = ?2)
            ON CONFLICT (change_id) DO NOTHING""";

    /**
     * The batch's contexts attribute the changes of their transactions recorded before them. The contexts' services and
     * transaction ids are given again as values the planner reads ({@code ?2} and {@code ?3}, arrays): the changes left
     * unattributed for good (written with no context, as by a bulk load) are often one transaction's thousands, and
     * from the joined contexts alone the planner would expect thousands for any transaction and read them all, for
     * every context, where the index of unattributed changes finds a transaction's own at once.
     */
    static final String ATTRIBUTE_EARLIER_CHANGES = """
            UPDATE audit_logs a
            SET actor = t.actor, user_id = t.user_id, actor_name = t.actor_name, request_id = t.request_id
            FROM transaction_contexts t
            WHERE t.id IN (SELECT x.id FROM jsonb_to_recordset(CAST(CAST(?1 AS text) AS jsonb)) AS x(id uuid))
              AND a.source_service = t.source_service AND a.tx_id = t.tx_id AND a.actor IS NULL
              AND a.tx_id = ANY(CAST(CAST(?2 AS text) AS bigint[])) AND a.source_service = ANY(CAST(CAST(?3 AS text) AS text[]))""";

    private final Transactions transactions;
    private final ObjectMapper json;

    AuditTrail(Transactions transactions, ObjectMapper json) {
        this.transactions = transactions;
        this.json = json;
    }

    /** Records one change event (a batch of one). */
    public Uni<Void> record(ChangeEvent event) {
        Batch batch = new Batch();
        batch.add(event);
        return record(batch);
    }

    /**
     * The rows one poll will write. {@link #add} refuses (IllegalArgumentException) an event it cannot
     * record, so that the caller can set that one aside and record the rest.
     */
    public final class Batch {
        private final ArrayNode keys = json.createArrayNode();
        private final ArrayNode contexts = json.createArrayNode();
        private final ArrayNode changes = json.createArrayNode();
        private final Set<Long> contextTxIds = new TreeSet<>();
        private final Set<String> contextServices = new TreeSet<>();

        /**
         * Snapshot reads, truncates and the deletion of a context (the pruning of bookkeeping rows)
         * are not changes anyone made: they are skipped.
         */
        public void add(ChangeEvent event) {
            if (event.isTransactionContext()) {
                if (event.after() == null) {
                    return;
                }
                contexts.add(context(event));
                contextTxIds.add(event.txId());
                contextServices.add(event.schema());
            } else if (event.action().isPresent()) {
                changes.add(change(event));
            } else {
                return;
            }
            keys.addObject().put("source_service", event.schema()).put("tx_id", event.txId());
        }

        public boolean isEmpty() {
            return keys.isEmpty();
        }
    }

    public Batch batch() {
        return new Batch();
    }

    /** Records the changes and contexts of one poll in one transaction: all of them or, on failure, none. */
    public Uni<Void> record(Batch batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        ArrayNode contexts = batch.contexts;
        ArrayNode changes = batch.changes;
        return transactions.scoped(() -> Panache.getSession().chain(session ->
                session.createNativeQuery(LOCK).setParameter(1, batch.keys.toString()).getSingleResult()
                        .chain(() -> contexts.isEmpty() ? Uni.createFrom().item(0) : update(session, SAVE_CONTEXTS, contexts))
                        .chain(() -> changes.isEmpty() ? Uni.createFrom().item(0) : session.createNativeQuery(SAVE_CHANGES)
                                .setParameter(1, changes.toString())
                                .setParameter(2, CONSUMER)
                                .executeUpdate())
                        .chain(() -> contexts.isEmpty() ? Uni.createFrom().item(0) : session.createNativeQuery(ATTRIBUTE_EARLIER_CHANGES)
                                .setParameter(1, contexts.toString())
                                .setParameter(2, arrayText(batch.contextTxIds.stream().map(String::valueOf)))
                                .setParameter(3, arrayText(batch.contextServices.stream().map(AuditTrail::quoted)))
                                .executeUpdate())))
                .replaceWithVoid();
    }

    /** A PostgreSQL array's text of the given elements, written as its input syntax wants them. */
    static String arrayText(Stream<String> elements) {
        return elements.collect(Collectors.joining(",", "{", "}"));
    }

    /** An array element in double quotes, with its backslashes and quotes escaped: taken as it is, whatever it holds. */
    static String quoted(String element) {
        return '"' + element.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static Uni<Integer> update(Mutiny.Session session, String sql, ArrayNode rows) {
        return session.createNativeQuery(sql).setParameter(1, rows.toString()).executeUpdate();
    }

    private ObjectNode context(ChangeEvent event) {
        Map<String, Object> row = event.after();
        ObjectNode node = json.createObjectNode();
        node.put("id", ChangeEvent.uuid(row, "id")
                .orElseThrow(() -> new IllegalArgumentException("a transaction context without an id")).toString());
        node.put("source_service", event.schema());
        node.put("tx_id", event.txId());
        if (!(row.get("actor") instanceof String actor)) {
            throw new IllegalArgumentException("a transaction context without an actor");
        }
        node.put("actor", actor);
        node.put("user_id", ChangeEvent.uuid(row, "user_id").map(UUID::toString).orElse(null));
        node.put("actor_name", row.get("actor_name") instanceof String name ? name : null);
        node.put("request_id", row.get("request_id") instanceof String request ? request : null);
        node.put("created_at", event.committedAt().toString());
        return node;
    }

    private ObjectNode change(ChangeEvent event) {
        String action = event.action().orElseThrow();
        ObjectNode node = json.createObjectNode();
        node.put("change_id", event.eventId().toString());
        node.put("org_id", event.orgId().map(UUID::toString).orElse(null));
        node.put("action", action);
        node.put("resource_type", event.table());
        node.put("resource_id", event.resourceId().map(UUID::toString).orElse(null));
        node.set("old_values", json.valueToTree(event.before()));
        node.set("new_values", json.valueToTree(event.after()));
        node.set("changes", "update".equals(action) ? json.valueToTree(event.changes()) : null);
        node.put("source_service", event.schema());
        node.put("tx_id", event.txId());
        node.put("committed_at", event.committedAt().toString());
        return node;
    }
}
