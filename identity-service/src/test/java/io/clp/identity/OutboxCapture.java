package io.clp.identity;

import io.clp.testing.TestDatabase;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Keeps a copy of every event identity-service writes to its outbox (the service deletes each row in
 * the same transaction), so tests can read what was published and in which order.
 */
public final class OutboxCapture {

    private static boolean installed;

    private OutboxCapture() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        TestDatabase.execute("CREATE TABLE IF NOT EXISTS public.test_outbox_capture "
                + "(seq bigserial PRIMARY KEY, aggregateid text, type text, payload jsonb)");
        TestDatabase.execute("CREATE OR REPLACE FUNCTION public.test_capture_outbox() RETURNS trigger LANGUAGE plpgsql "
                + "SECURITY DEFINER AS $$ BEGIN INSERT INTO public.test_outbox_capture (aggregateid, type, payload) "
                + "VALUES (NEW.aggregateid, NEW.type, NEW.payload); RETURN NEW; END $$");
        TestDatabase.execute("DROP TRIGGER IF EXISTS test_capture ON identity.outbox_event");
        TestDatabase.execute("CREATE TRIGGER test_capture AFTER INSERT ON identity.outbox_event "
                + "FOR EACH ROW EXECUTE FUNCTION public.test_capture_outbox()");
        installed = true;
    }

    /** A field of each event of the type about the aggregate, in the order they were written. */
    public static List<String> field(UUID aggregateId, String type, String field) {
        String joined = TestDatabase.text("SELECT coalesce(string_agg(coalesce(payload->>?, ''), ',' ORDER BY seq), '') "
                + "FROM public.test_outbox_capture WHERE aggregateid = ? AND type = ?", field, aggregateId.toString(), type);
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }

    public static long count(UUID aggregateId, String type) {
        return TestDatabase.count("SELECT count(*) FROM public.test_outbox_capture WHERE aggregateid = ? AND type = ?",
                aggregateId.toString(), type);
    }
}
