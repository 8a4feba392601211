package io.clp.testing;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading what a transaction published from the WAL, on a schema shaped like a service's outbox. */
class EmittedEventsTest {

    private static final String SCHEMA = "emitted_probe";

    @BeforeAll
    static void outboxTable() {
        TestPostgres.get().prepareService("notification"); // makes the module's database
        TestDatabase.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        TestDatabase.execute("""
                CREATE TABLE IF NOT EXISTS emitted_probe.outbox_event (
                    id uuid PRIMARY KEY, aggregatetype varchar(64) NOT NULL, aggregateid varchar(64) NOT NULL,
                    type varchar(128) NOT NULL, payload jsonb NOT NULL, source varchar(128) NOT NULL, subject varchar(255),
                    org_id varchar(36), actor varchar(128) NOT NULL, occurred_at timestamptz NOT NULL,
                    specversion varchar(8) NOT NULL DEFAULT '1.0', datacontenttype varchar(64) NOT NULL DEFAULT 'application/json',
                    traceparent varchar(55))""");
        // a table without a primary key: the watching publication must not make its updates fail
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS emitted_probe.keyless (v int)");
        EmittedEvents.start();
    }

    /** Inserts and deletes an outbox row in one transaction, as the outbox writer does. */
    private static UUID publish(Connection c, String aggregateId, String type, String payload) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO emitted_probe.outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor,
                                                       occurred_at, traceparent)
                VALUES (?, 'probe', ?, ?, CAST(? AS jsonb), '/clp/probe', 'probes/1', NULL, 'system:probe', now(),
                        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')""")) {
            ps.setObject(1, id);
            ps.setString(2, aggregateId);
            ps.setString(3, type);
            ps.setString(4, payload);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM emitted_probe.outbox_event WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
        return id;
    }

    private static UUID publishCommitted(String aggregateId, String type, String payload) throws SQLException {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE)) {
            return publish(c, aggregateId, type, payload);
        }
    }

    @Test
    void aCommittedEventIsSeenWithItsPayloadAndEveryHeaderColumnThoughItsRowWasDeleted() throws SQLException {
        String aggregate = UUID.randomUUID().toString();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        UUID id = publishCommitted(aggregate, "io.clp.probe.made.v1", "{\"name\": \"first\", \"size\": 3, \"tags\": [\"a\"]}");

        EmittedEvent event = EmittedEvents.since(mark).single("io.clp.probe.made.v1", aggregate);
        assertThat(event.id()).isEqualTo(id);
        assertThat(event.schema()).isEqualTo(SCHEMA);
        assertThat(event.aggregateType()).isEqualTo("probe");
        assertThat(event.payload().get("size").asInt()).isEqualTo(3);
        assertThat(event.field("name")).isEqualTo("first");
        assertThat(event.field("tags")).isEqualTo("[\"a\"]");
        assertThat(event.source()).isEqualTo("/clp/probe");
        assertThat(event.subject()).isEqualTo("probes/1");
        assertThat(event.orgId()).isNull();
        assertThat(event.actor()).isEqualTo("system:probe");
        assertThat(event.occurredAt()).isNotBlank();
        assertThat(event.column("specversion")).isEqualTo("1.0");
        assertThat(event.column("datacontenttype")).isEqualTo("application/json");
        assertThat(event.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(TestDatabase.count("SELECT count(*) FROM emitted_probe.outbox_event")).isZero();
    }

    @Test
    void aRolledBackTransactionPublishedNothing() throws SQLException {
        String aggregate = UUID.randomUUID().toString();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE)) {
            c.setAutoCommit(false);
            publish(c, aggregate, "io.clp.probe.made.v1", "{}");
            c.rollback();
        }
        assertThat(EmittedEvents.since(mark).about(aggregate).isEmpty()).isTrue();
    }

    @Test
    void sinceAMarkLeavesOutWhatCommittedBeforeIt() throws SQLException {
        String aggregate = UUID.randomUUID().toString();
        publishCommitted(aggregate, "io.clp.probe.made.v1", "{\"n\": 1}");
        EmittedEvents.Mark mark = EmittedEvents.mark();
        publishCommitted(aggregate, "io.clp.probe.changed.v1", "{\"n\": 2}");
        publishCommitted(aggregate, "io.clp.probe.changed.v1", "{\"n\": 3}");

        assertThat(EmittedEvents.since(mark).about(aggregate).field("n")).containsExactly("2", "3");
        assertThat(EmittedEvents.published(SCHEMA).about(aggregate).types())
                .containsExactly("io.clp.probe.made.v1", "io.clp.probe.changed.v1", "io.clp.probe.changed.v1");
        assertThat(EmittedEvents.published(SCHEMA).about(aggregate).payloads()).first().isEqualTo("{\"n\": 1}");
        assertThatThrownBy(() -> EmittedEvents.since(mark).about(aggregate).single()).isInstanceOf(AssertionError.class);
    }

    @Test
    void anUpdateOfATableWithoutReplicaIdentityStillWorksWhileWatching() {
        TestDatabase.execute("INSERT INTO emitted_probe.keyless VALUES (1)");
        assertThat(TestDatabase.execute("UPDATE emitted_probe.keyless SET v = 2")).isPositive();
        assertThat(TestDatabase.execute("DELETE FROM emitted_probe.keyless")).isPositive();
    }

    @Test
    void theSlotOutlivesARestartOfTheDatabase() throws SQLException {
        String aggregate = UUID.randomUUID().toString();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        publishCommitted(aggregate, "io.clp.probe.made.v1", "{}");
        TestPostgres.get().restart(Duration.ofMillis(500));
        publishCommitted(aggregate, "io.clp.probe.changed.v1", "{}");

        assertThat(EmittedEvents.since(mark).about(aggregate).types()).containsExactly("io.clp.probe.made.v1", "io.clp.probe.changed.v1");
    }

    @Test
    void theSlotIsNamedAfterThisJvmAndThisLoadingAndDroppedOnStop() throws SQLException {
        String slot = EmittedEvents.SLOT;
        assertThat(slot).startsWith(EmittedEvents.SLOT_PREFIX + ProcessHandle.current().pid() + "_");
        String slots = "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?";
        assertThat(TestDatabase.count(slots, slot)).isEqualTo(1);
        EmittedEvents.stop();
        try {
            assertThat(TestDatabase.count(slots, slot)).isZero();
        } finally {
            EmittedEvents.start();
        }
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }
}
