package io.clp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What services published, read from the WAL as Debezium reads it: a logical replication slot with
 * the {@code pgoutput} plugin on the test database, of which only inserts into {@code <schema>.outbox_event}
 * are kept. The outbox writer deletes its row in the inserting transaction, so the WAL is the only place
 * an event exists; a rolled-back transaction decodes to nothing, exactly as it publishes nothing.
 *
 * <pre>{@code
 * EmittedEvents.Mark mark = EmittedEvents.mark();
 * ... call the API ...
 * EmittedEvent created = EmittedEvents.since(mark).single(OrganizationCreated.TYPE, orgId);
 * }</pre>
 *
 * <p>The slot is made on first use (events committed before it are not seen), is named after the
 * test JVM and the class's loading ({@code clp_test_events_<pid>_<loading>}) and is dropped before the test database stops; slots a
 * killed JVM left behind are dropped by the next one. Each read consumes the slot's changes (so it
 * holds no WAL back) into this JVM's list. The slot outlives {@link TestPostgres#restart}; reads wait
 * for the server to come back. Only the module's {@link TestPostgres#DATABASE} is watched.
 */
public final class EmittedEvents {

    static final String PUBLICATION = "clp_test_events";
    static final String SLOT_PREFIX = "clp_test_events_";
    /** This JVM's pid, and this loading of the class: Quarkus may load the test support again for a test profile of its own. */
    static final String SLOT = SLOT_PREFIX + ProcessHandle.current().pid() + "_"
            + Integer.toHexString(System.identityHashCode(EmittedEvents.class));
    private static final Logger LOG = Logger.getLogger(EmittedEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RETRY_FOR_NANOS = TimeUnit.SECONDS.toNanos(90);

    private static boolean started;
    private static final List<EmittedEvent> seen = new ArrayList<>();
    /** pgoutput describes a table once per decoding session, before its first change there. */
    private static final Map<Integer, Relation> relations = new HashMap<>();

    /** A position in the WAL: events of transactions that commit after it are "since" it. */
    public record Mark(long lsn) {
    }

    private record Relation(String schema, String table, List<String> columns) {
    }

    private EmittedEvents() {
    }

    /** Starts watching (idempotent): every event committed from now on will be seen. */
    public static synchronized void start() {
        if (!started) {
            retrying(EmittedEvents::createSlot);
            TestPostgres.get().beforeShutdown(EmittedEvents::stop);
            started = true;
        }
    }

    /** Where the WAL is now (starts watching if needed). */
    public static synchronized Mark mark() {
        start();
        return retrying(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                rs.next();
                return new Mark(lsn(rs.getString(1)));
            }
        });
    }

    /** The events of every transaction that committed after {@code mark}, in commit order. */
    public static synchronized Emitted since(Mark mark) {
        drain();
        return new Emitted(seen.stream().filter(e -> e.commitLsn() >= mark.lsn()).toList());
    }

    /** Everything {@code schema} published since watching started. */
    public static synchronized Emitted published(String schema) {
        start();
        drain();
        return new Emitted(seen).inSchema(schema);
    }

    /** Drops this JVM's slot (the events already read stay readable). */
    public static synchronized void stop() {
        if (!started) {
            return;
        }
        started = false;
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, SLOT);
            ps.executeQuery().close();
        } catch (SQLException e) {
            LOG.warnf("could not drop the test replication slot %s: %s", SLOT, e.getMessage());
        }
    }

    private static Void createSlot(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            // inserts only: a publication that also published updates would make PostgreSQL refuse
            // UPDATE and DELETE on tables without a replica identity
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_publication WHERE pubname = '" + PUBLICATION + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE PUBLICATION " + PUBLICATION + " FOR ALL TABLES WITH (publish = 'insert')");
                }
            }
            // a killed JVM's slot would hold WAL back for as long as the data folder lives
            try (ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE NOT active AND slot_name LIKE '"
                    + SLOT_PREFIX + "%'")) {
                List<String> stale = new ArrayList<>();
                while (rs.next()) {
                    String name = rs.getString(1);
                    long pid = Long.parseLong(name.substring(SLOT_PREFIX.length()).split("_")[0]);
                    if (name.equals(SLOT) || ProcessHandle.of(pid).isEmpty()) {
                        stale.add(name);
                    }
                }
                for (String name : stale) {
                    s.execute("SELECT pg_drop_replication_slot('" + name + "')");
                }
            }
            s.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        }
        relations.clear();
        return null;
    }

    private static void drain() {
        if (!started) {
            throw new IllegalStateException("EmittedEvents.start() (or mark()) must run before the events are published");
        }
        retrying(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT data FROM pg_logical_slot_get_binary_changes(?, NULL, NULL, "
                    + "'proto_version', '1', 'publication_names', '" + PUBLICATION + "')")) {
                ps.setString(1, SLOT);
                try (ResultSet rs = ps.executeQuery()) {
                    long commitLsn = 0;
                    while (rs.next()) {
                        commitLsn = decode(ByteBuffer.wrap(rs.getBytes(1)), commitLsn);
                    }
                }
            } catch (SQLException e) {
                if ("42704".equals(e.getSQLState())) {
                    // the slot is gone (a test dropped it, or a crash lost it): watch again from now on
                    LOG.warnf("the test replication slot %s disappeared; events published meanwhile are not seen", SLOT);
                    createSlot(c);
                    return null;
                }
                throw e;
            }
            return null;
        });
    }

    /** Decodes one pgoutput message (protocol version 1); returns the commit LSN of the transaction it is in. */
    private static long decode(ByteBuffer message, long commitLsn) {
        switch (message.get()) {
            case 'B' -> {
                return message.getLong();
            }
            case 'R' -> {
                int id = message.getInt();
                String schema = string(message);
                String table = string(message);
                message.get();
                int count = message.getShort();
                List<String> columns = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    message.get();
                    columns.add(string(message));
                    message.getInt();
                    message.getInt();
                }
                relations.put(id, new Relation(schema, table, columns));
            }
            case 'I' -> {
                Relation relation = relations.get(message.getInt());
                if (relation != null && relation.table().equals("outbox_event")) {
                    message.get();
                    seen.add(event(relation, tuple(message, relation), commitLsn));
                }
            }
            default -> {
                // commits, types, origins: nothing an event needs
            }
        }
        return commitLsn;
    }

    private static Map<String, String> tuple(ByteBuffer message, Relation relation) {
        int count = message.getShort();
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            char kind = (char) message.get();
            String value = null;
            if (kind == 't') {
                byte[] text = new byte[message.getInt()];
                message.get(text);
                value = new String(text, StandardCharsets.UTF_8);
            }
            values.put(relation.columns().get(i), value);
        }
        return values;
    }

    private static EmittedEvent event(Relation relation, Map<String, String> row, long commitLsn) {
        try {
            JsonNode payload = JSON.readTree(row.get("payload"));
            return new EmittedEvent(relation.schema(), UUID.fromString(row.get("id")), row.get("aggregatetype"),
                    row.get("aggregateid"), row.get("type"), payload, java.util.Collections.unmodifiableMap(row), commitLsn);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable outbox row in " + relation.schema() + ": " + row, e);
        }
    }

    private static String string(ByteBuffer message) {
        int start = message.position();
        while (message.get() != 0) {
            // to the terminating NUL
        }
        return new String(message.array(), start, message.position() - start - 1, StandardCharsets.UTF_8);
    }

    static long lsn(String text) {
        String[] parts = text.split("/");
        return (Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16);
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work}, waiting out a restart of the test database (connections refused or cut). */
    private static <T> T retrying(Work<T> work) {
        long deadline = System.nanoTime() + RETRY_FOR_NANOS;
        while (true) {
            try (Connection c = connect()) {
                return work.run(c);
            } catch (SQLException e) {
                String state = e.getSQLState();
                boolean unavailable = state == null || state.startsWith("08") || state.startsWith("57P");
                if (!unavailable || System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the events published in the test database", e);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    private static Connection connect() throws SQLException {
        return TestPostgres.get().server().connect(TestPostgres.DATABASE);
    }
}
