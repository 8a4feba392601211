package io.clp.platform.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.DomainEvent;
import io.clp.platform.tx.Actor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The transactional outbox over JDBC, for work that runs on a blocking JDBC connection (bulk loads): the same rows
 * as {@link Outbox} ({@link OutboxRow}), inserted and deleted in the caller's transaction, so Debezium relays each
 * event exactly when the caller commits. The caller owns the connection and its transaction.
 */
@ApplicationScoped
public class JdbcOutbox {

    static final String INSERT = "INSERT INTO outbox_event (" + OutboxRow.COLUMNS + ") "
            + "VALUES (?, ?, ?, ?, CAST(CAST(? AS text) AS json), ?, ?, ?, ?, ?, ?, 'application/json', ?)";

    static final String DELETE = "DELETE FROM outbox_event WHERE id = ANY (?)";

    @Inject
    ObjectMapper json;

    @Inject
    Actor actor;

    /** Writes the events as the service acting for itself; returns their event ids, in order. */
    public List<UUID> publish(Connection connection, List<? extends DomainEvent> events) throws SQLException {
        List<UUID> ids = new ArrayList<>(events.size());
        if (events.isEmpty()) {
            return ids;
        }
        String who = actor.service().actor();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (DomainEvent event : events) {
                OutboxRow row = OutboxRow.of(event, json, actor.serviceName(), who);
                insert.setObject(1, row.id());
                insert.setString(2, row.aggregateType());
                insert.setString(3, row.aggregateId());
                insert.setString(4, row.type());
                insert.setString(5, row.payload());
                insert.setString(6, row.source());
                insert.setString(7, row.subject());
                insert.setString(8, row.orgId());
                insert.setString(9, row.actor());
                insert.setTimestamp(10, Timestamp.from(row.occurredAt()));
                insert.setString(11, row.specVersion());
                insert.setString(12, row.traceparent());
                insert.addBatch();
                ids.add(row.id());
            }
            insert.executeBatch();
        }
        try (PreparedStatement delete = connection.prepareStatement(DELETE)) {
            delete.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            delete.executeUpdate();
        }
        return ids;
    }
}
