package io.clp.audit.trail;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One Debezium change event of a service table (JSON converter, schemas off):
 * {@code {"before": {...}, "after": {...}, "op": "c|u|d|r", "source": {"schema", "table", "txId", "lsn", "ts_ms"}}}.
 * Pure data: parsing and the diff live here so they can be tested without Kafka.
 */
public record ChangeEvent(String schema, String table, String op, long txId, long lsn, Instant committedAt,
                          Map<String, Object> before, Map<String, Object> after) {

    public static final String CONTEXT_TABLE = "transaction_context";

    public static ChangeEvent parse(JsonNode value, java.util.function.Function<JsonNode, Map<String, Object>> toMap) {
        JsonNode source = value.path("source");
        if (!value.hasNonNull("op") || !source.hasNonNull("table") || !source.hasNonNull("txId")) {
            throw new IllegalArgumentException("not a Debezium change event");
        }
        return new ChangeEvent(source.path("schema").asText(), source.path("table").asText(), value.path("op").asText(),
                source.path("txId").asLong(), source.path("lsn").asLong(),
                Instant.ofEpochMilli(source.path("ts_ms").asLong()),
                value.hasNonNull("before") ? toMap.apply(value.get("before")) : null,
                value.hasNonNull("after") ? toMap.apply(value.get("after")) : null);
    }

    public boolean isTransactionContext() {
        return CONTEXT_TABLE.equals(table);
    }

    /** A stable id for this change, so a redelivered event is recognised. */
    public UUID eventId() {
        return UUID.nameUUIDFromBytes((schema + "." + table + "@" + lsn + "#" + txId + ":" + resourceId().orElse(null))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Optional<String> action() {
        return switch (op) {
            case "c" -> Optional.of("create");
            case "u" -> Optional.of("update");
            case "d" -> Optional.of("delete");
            default -> Optional.empty(); // snapshot reads and truncates are not changes made by anyone
        };
    }

    private Map<String, Object> row() {
        return after != null ? after : before;
    }

    public Optional<UUID> resourceId() {
        return uuid(row(), "id");
    }

    /** The organization the row belongs to: its org_id, or its own id for an organization. */
    public Optional<UUID> orgId() {
        if ("organizations".equals(table)) {
            return resourceId();
        }
        return uuid(row(), "org_id");
    }

    /** Field by field, what an update changed: {@code {"name": {"old": "A", "new": "B"}}}. */
    public Map<String, Object> changes() {
        Map<String, Object> diff = new LinkedHashMap<>();
        if (before == null || after == null) {
            return diff;
        }
        for (Map.Entry<String, Object> e : after.entrySet()) {
            Object old = before.get(e.getKey());
            if (!Objects.equals(old, e.getValue())) {
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("old", old);
                change.put("new", e.getValue());
                diff.put(e.getKey(), change);
            }
        }
        return diff;
    }

    static Optional<UUID> uuid(Map<String, Object> row, String field) {
        if (row == null || !(row.get(field) instanceof String s)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
