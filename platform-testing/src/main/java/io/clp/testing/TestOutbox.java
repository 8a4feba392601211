package io.clp.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a service put in its outbox. The outbox writer deletes each row in the transaction that
 * inserts it (only the WAL keeps the event), so a test that wants to see the events first installs
 * a trigger that copies every inserted row of {@code <schema>.outbox_event} to
 * {@code clp_test.outbox_seen}. The copy commits or rolls back with the service's transaction, so
 * it shows exactly the events that were published.
 */
public final class TestOutbox {

    private TestOutbox() {
    }

    /** Starts copying the schema's outbox rows (idempotent). */
    public static synchronized void record(String schema) {
        String function = "clp_test.copy_" + schema + "_outbox";
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS clp_test");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS clp_test.outbox_seen (
                        seq bigserial PRIMARY KEY, schema_name text NOT NULL, id uuid NOT NULL, aggregatetype text NOT NULL, aggregateid text NOT NULL,
                        type text NOT NULL, payload jsonb NOT NULL, seen_at timestamptz NOT NULL DEFAULT clock_timestamp())""");
            // SECURITY DEFINER: the service's own role has no rights on clp_test
            s.execute("CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
                    + "SET search_path = pg_catalog AS $$ BEGIN "
                    + "INSERT INTO clp_test.outbox_seen (schema_name, id, aggregatetype, aggregateid, type, payload) "
                    + "VALUES (TG_TABLE_SCHEMA, NEW.id, NEW.aggregatetype, NEW.aggregateid, NEW.type, NEW.payload); "
                    + "RETURN NEW; END $$");
            s.execute("CREATE OR REPLACE TRIGGER clp_test_outbox_seen AFTER INSERT ON " + schema + ".outbox_event "
                    + "FOR EACH ROW EXECUTE FUNCTION " + function + "()");
        } catch (SQLException e) {
            throw new IllegalStateException("could not record " + schema + "'s outbox", e);
        }
    }

    /** The payloads (JSON text) of the events of {@code type} about {@code aggregateId}, oldest first. */
    public static List<String> payloads(String schema, String type, Object aggregateId) {
        return select("CAST(payload AS text)", schema, type, aggregateId, List.of());
    }

    /** One top-level field of each such event's payload as text ({@code null} where absent), oldest first. */
    public static List<String> field(String schema, String type, Object aggregateId, String field) {
        return select("payload->>?", schema, type, aggregateId, List.of(field));
    }

    private static List<String> select(String column, String schema, String type, Object aggregateId, List<String> columnArgs) {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM clp_test.outbox_seen "
                     + "WHERE schema_name = ? AND type = ? AND aggregateid = ? ORDER BY seq")) {
            int i = 1;
            for (String arg : columnArgs) {
                ps.setString(i++, arg);
            }
            ps.setString(i++, schema);
            ps.setString(i++, type);
            ps.setString(i, aggregateId.toString());
            List<String> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
