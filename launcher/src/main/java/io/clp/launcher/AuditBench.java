package io.clp.launcher;

import java.io.PrintStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./clp bench audit}: how far the audit trail lags behind the writes it records, on the
 * running local stack. Changes are written the way a service writes them (an UPDATE of identity's
 * users and a transaction_context row per transaction, as identity's own role), at a fixed rate;
 * the audit rows they become (Debezium, Kafka, audit-service) are then counted and timed: lag is an
 * entry's created_at minus the source commit time Debezium reports (committedAt), both from the
 * database's clock. The anchor is the same number of audit-shaped rows written by plain batched
 * INSERTs into a copy of audit_logs, without the pipeline: the database's raw speed on this machine.
 *
 * <p>The bench's users are created deleted (no one can sign in as them, nothing mirrors them) and
 * removed at the end; the trail keeps their entries, as it keeps everything.
 */
final class AuditBench {

    record Options(int rate, int seconds, int changesPerTransaction, int writers, Duration drainTimeout) {

        static Options parse(List<String> args) {
            BenchOptions o = BenchOptions.parse(args, Set.of("--rate", "--seconds", "--per-tx", "--writers"), Set.of(),
                    "--rate N changes/s, --seconds N, --per-tx N changes per transaction, --writers N");
            return new Options(o.integer("--rate", 1000), o.integer("--seconds", 60), o.integer("--per-tx", 1),
                    o.integer("--writers", 4), Duration.ofSeconds(120));
        }
    }

    record Result(long expected, long recorded, long distinct, long unattributed, double p50, double p99, double max,
                  double offeredPerSecond, double auditPerSecond, double rawPerSecond) {
        long lost() {
            return expected - distinct;
        }

        long duplicated() {
            return recorded - distinct;
        }
    }

    private static final int BENCH_USERS = 200;

    private final StackContext ctx;
    private final PrintStream out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    AuditBench(StackContext ctx, PrintStream out) {
        this.ctx = ctx;
        this.out = out;
    }

    private Connection connect(String service) throws SQLException {
        Connection c = DriverManager.getConnection(ctx.jdbcUrl(), "clp_" + service, ctx.databasePassword(service));
        try (Statement st = c.createStatement()) {
            // the services' own scope for work not done for a user (row-level security, db/platform V0_2)
            st.execute("SELECT set_config('clp.scope', 'system', false), set_config('search_path', '" + service + "', false)");
        }
        return c;
    }

    Result run(Options o) throws Exception {
        long expected = (long) o.rate() * o.seconds();
        out.printf("audit bench %s: %,d changes/s for %d s (%,d changes, %d per transaction, %d writers) through identity.users%n",
                run, o.rate(), o.seconds(), expected, o.changesPerTransaction(), o.writers());
        List<UUID> users = createUsers();
        try {
            double offered = generate(o, users, expected);
            Result measured = await(o, users, expected, offered);
            double raw = anchor(expected);
            Result result = new Result(measured.expected(), measured.recorded(), measured.distinct(), measured.unattributed(),
                    measured.p50(), measured.p99(), measured.max(), offered, measured.auditPerSecond(), raw);
            print(result);
            return result;
        } finally {
            removeUsers(users);
        }
    }

    private List<UUID> createUsers() throws SQLException {
        List<UUID> users = new ArrayList<>();
        try (Connection c = connect("identity");
             PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, email, name, auth_provider, auth_provider_id, "
                     + "deleted_at) VALUES (?, ?, ?, 'bench', ?, now())")) {
            c.setAutoCommit(false);
            stamp(c, "setup");
            for (int i = 0; i < BENCH_USERS; i++) {
                UUID id = UUID.randomUUID();
                users.add(id);
                ps.setObject(1, id);
                ps.setString(2, "bench-" + run + "-" + i + "@bench.clp.invalid");
                ps.setString(3, "bench " + run + " setup");
                ps.setString(4, id.toString());
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        }
        return users;
    }

    private void removeUsers(List<UUID> users) throws SQLException {
        try (Connection c = connect("identity"); PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ANY (?)")) {
            c.setAutoCommit(false);
            stamp(c, "teardown");
            ps.setArray(1, c.createArrayOf("uuid", users.toArray()));
            ps.executeUpdate();
            c.commit();
        }
    }

    /** What Transactions.write records in every service transaction. */
    private void stamp(Connection c, String request) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO transaction_context (id, tx_id, actor, actor_name, request_id, service, created_at)
                VALUES (gen_random_uuid(), pg_current_xact_id()::text::bigint % 4294967296, 'system:bench', 'clp bench audit', ?,
                        'identity', now())""")) {
            ps.setString(1, "bench-" + run + "-" + request);
            ps.executeUpdate();
        }
    }

    /** Writes the changes on schedule; returns the rate achieved (changes/s). */
    private double generate(Options o, List<UUID> users, long expected) throws Exception {
        long transactions = (expected + o.changesPerTransaction() - 1) / o.changesPerTransaction();
        double txPerNano = (double) o.rate() / o.changesPerTransaction() / 1e9;
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(o.writers());
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < o.writers(); w++) {
            writers.add(pool.submit(() -> {
                try (Connection c = connect("identity");
                     PreparedStatement update = c.prepareStatement("UPDATE users SET name = ? WHERE id = ?")) {
                    c.setAutoCommit(false);
                    for (long tx = next.getAndIncrement(); tx < transactions; tx = next.getAndIncrement()) {
                        long due = start + (long) (tx / txPerNano);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                        stamp(c, "tx" + tx);
                        for (int k = 0; k < o.changesPerTransaction(); k++) {
                            long change = tx * o.changesPerTransaction() + k;
                            if (change >= expected) {
                                break;
                            }
                            update.setString(1, "bench " + run + " " + change);
                            update.setObject(2, users.get((int) (change % users.size())));
                            update.executeUpdate();
                        }
                        c.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        out.printf("  written: %,d changes in %.1f s (%,.0f changes/s)%n", expected, elapsed, expected / elapsed);
        return expected / elapsed;
    }

    private static final String MEASURE = """
            SELECT count(*), count(DISTINCT new_values->>'name'), count(*) FILTER (WHERE actor IS NULL),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - committed_at)), 0),
                   coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - committed_at)), 0),
                   coalesce(max(extract(epoch FROM created_at - committed_at)), 0),
                   coalesce(extract(epoch FROM max(created_at) - min(committed_at)), 0)
            FROM audit_logs
            WHERE resource_type = 'users' AND source_service = 'identity' AND action = 'update'
              AND resource_id = ANY (?) AND new_values->>'name' LIKE ?""";

    /** Waits until every change has its entry, or nothing arrived for a while; then measures. */
    private Result await(Options o, List<UUID> users, long expected, double offered) throws Exception {
        try (Connection c = connect("audit"); PreparedStatement ps = c.prepareStatement(MEASURE)) {
            Array ids = c.createArrayOf("uuid", users.toArray());
            long seen = -1;
            long lastProgress = System.nanoTime();
            while (true) {
                ps.setArray(1, ids);
                ps.setString(2, "bench " + run + " %");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long distinct = rs.getLong(2);
                    if (distinct != seen) {
                        seen = distinct;
                        lastProgress = System.nanoTime();
                    }
                    boolean done = distinct >= expected;
                    boolean stalled = System.nanoTime() - lastProgress > o.drainTimeout().toNanos();
                    if (done || stalled) {
                        if (done) {
                            Thread.sleep(2000); // a duplicate would arrive after its first copy
                            try (ResultSet again = ps.executeQuery()) {
                                again.next();
                                return measured(again, expected);
                            }
                        }
                        return measured(rs, expected);
                    }
                }
                Thread.sleep(500);
            }
        }
    }

    private static Result measured(ResultSet rs, long expected) throws SQLException {
        long recorded = rs.getLong(1);
        double span = rs.getDouble(7);
        return new Result(expected, recorded, rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6),
                0, span > 0 ? recorded / span : 0, 0);
    }

    /** The same number of audit-shaped rows by plain batched INSERTs into a copy of audit_logs; rows/s. */
    private double anchor(long rows) throws SQLException {
        String table = "bench_anchor_" + run;
        try (Connection c = connect("audit")) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + table + " (LIKE audit_logs INCLUDING DEFAULTS INCLUDING INDEXES)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, change_id, org_id, action, "
                    + "resource_type, resource_id, old_values, new_values, changes, source_service, tx_id, committed_at, "
                    + "created_at, actor, actor_name, request_id) VALUES (clp_uuid_v7(), ?, NULL, 'update', 'users', ?, CAST(? AS jsonb), "
                    + "CAST(? AS jsonb), CAST(? AS jsonb), 'identity', ?, now(), clock_timestamp(), 'system:bench', "
                    + "'clp bench audit', ?)")) {
                c.setAutoCommit(false);
                long start = System.nanoTime();
                for (long i = 0; i < rows; i++) {
                    UUID id = UUID.randomUUID();
                    String before = row(id, "bench " + run + " " + (i - 1));
                    String after = row(id, "bench " + run + " " + i);
                    ps.setObject(1, UUID.randomUUID()); // change_id: a hash of the change, as random as this
                    ps.setObject(2, id);
                    ps.setString(3, before);
                    ps.setString(4, after);
                    ps.setString(5, "{\"name\": {\"old\": \"bench " + (i - 1) + "\", \"new\": \"bench " + i + "\"}}");
                    ps.setLong(6, i);
                    ps.setString(7, "bench-" + run + "-anchor");
                    ps.addBatch();
                    if (i % 500 == 499 || i == rows - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                return rows / elapsed;
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
    }

    /** A users row image as Debezium streams it (secret columns excluded). */
    private static String row(UUID id, String name) {
        return ("{\"id\": \"%s\", \"email\": \"%s@bench.clp.invalid\", \"name\": \"%s\", \"auth_provider\": \"bench\", "
                + "\"auth_provider_id\": \"%s\", \"is_active\": true, \"email_verified\": false, \"mfa_enabled\": false, "
                + "\"last_login_at\": null, \"last_activity_at\": null, \"login_count\": 0, \"avatar_url\": null, "
                + "\"timezone\": \"UTC\", \"locale\": \"en\", \"metadata\": \"{}\", \"created_at\": \"2026-01-01T00:00:00Z\", "
                + "\"updated_at\": \"2026-01-01T00:00:00Z\", \"deleted_at\": \"2026-01-01T00:00:00Z\"}").formatted(id, id, name, id);
    }

    private void print(Result r) {
        out.printf(Locale.ROOT, """
                  commit-to-audit-row lag: p50 %.0f ms, p99 %.0f ms, max %.0f ms (goal: p99 <= 1000 ms)
                  changes: %,d written, %,d recorded, %,d lost, %,d duplicated, %,d unattributed
                  throughput: offered %,.0f changes/s; audit trail %,.0f rows/s over the run
                  anchor: plain INSERT of %,d audit-shaped rows, no pipeline: %,.0f rows/s (%.1fx the offered rate)
                """, r.p50() * 1000, r.p99() * 1000, r.max() * 1000,
                r.expected(), r.recorded(), r.lost(), r.duplicated(), r.unattributed(),
                r.offeredPerSecond(), r.auditPerSecond(),
                r.expected(), r.rawPerSecond(), r.rawPerSecond() / Math.max(1, r.offeredPerSecond()));
        boolean ok = r.lost() == 0 && r.duplicated() == 0 && r.p99() <= 1.0;
        out.println(ok ? "  result: PASS" : "  result: FAIL");
    }
}
