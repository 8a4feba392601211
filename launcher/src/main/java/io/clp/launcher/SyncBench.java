package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * {@code ./clp bench sync}: a full hierarchy sync of a large simulated Google Ads account through the running local
 * stack, the way an organization would run one. The account is added to the DSP simulator (admin API), connected
 * through campaign-service's API by a member of a new organization (the demo user, who creates it), and synced on
 * demand; the run's own progress fields say how long it waited on the DSP and how long it wrote. Google Ads, because
 * its pages are 10,000 rows (DV360's are 200): the DSP's paging costs least and the writes show most.
 *
 * <p>The anchor is the same number of rows of the same shape written by plain COPY into scratch copies of the
 * hierarchy tables (temporary, with their defaults and indexes): the database's raw loading speed on this machine.
 * The synced hierarchy stays in the bench's organization ({@code sync-bench-...}); the account is disabled, so it is
 * not synced again.
 */
final class SyncBench {

    /** What the sync should write at least, per second, on this machine (issue 11). */
    static final double GOAL_PER_SECOND = 20_000;

    /** The simulated account: {@code campaigns}, one insertion order each, then line items and creatives per parent. */
    record Options(int campaigns, int lineItems, int creatives, Duration timeout, boolean pauseAuditCapture) {

        static Options parse(List<String> args) {
            BenchOptions o = BenchOptions.parse(args, Set.of("--campaigns", "--line-items", "--creatives", "--timeout-minutes"),
                    Set.of("--pause-audit-capture"), "--campaigns N, --line-items N per insertion order, --creatives N per "
                            + "line item, --timeout-minutes N, --pause-audit-capture");
            return new Options(o.integer("--campaigns", 10_000), o.integer("--line-items", 10), o.integer("--creatives", 1),
                    Duration.ofMinutes(o.integer("--timeout-minutes", 30)), o.flag("--pause-audit-capture"));
        }

        long insertionOrders() {
            return campaigns;
        }

        long lineItemRows() {
            return insertionOrders() * lineItems;
        }

        long creativeRows() {
            return lineItemRows() * creatives;
        }

        /** Every entity of the account, all four levels. */
        long entities() {
            return campaigns + insertionOrders() + lineItemRows() + creativeRows();
        }
    }

    /**
     * One run's figures: the entities the sync saw, its wall time (the run's start to its end), the DSP wait and write
     * time it recorded, how long after the run's end the audit trail held every entity it created (negative when it
     * did not, NaN when not measured), and the anchor's rows/s.
     */
    record Result(String status, long entities, double wallSeconds, double dspWaitSeconds, double writeSeconds,
                  double trailSeconds, double copyPerSecond) {

        double perSecond() {
            return wallSeconds > 0 ? entities / wallSeconds : 0;
        }

        double writtenPerSecond() {
            return writeSeconds > 0 ? entities / writeSeconds : 0;
        }

        /** The sync's write speed as a share of raw COPY's. */
        double ofCopy() {
            return copyPerSecond > 0 ? writtenPerSecond() / copyPerSecond : 0;
        }

        boolean succeeded() {
            return "succeeded".equals(status);
        }

        boolean metGoal() {
            return succeeded() && writtenPerSecond() >= GOAL_PER_SECOND;
        }
    }

    /** The entities a run saw, summed over its levels ({@code counts: {"CAMPAIGN": {"seen": n, ...}, ...}}). */
    static long seen(JsonNode counts) {
        return total(counts, "seen");
    }

    /** The entities a run created, summed over its levels. */
    static long created(JsonNode counts) {
        return total(counts, "created");
    }

    private static long total(JsonNode counts, String field) {
        long total = 0;
        for (Iterator<JsonNode> levels = counts.elements(); levels.hasNext(); ) {
            total += levels.next().path(field).asLong();
        }
        return total;
    }

    private static final String DSP = "google_ads";
    /** Change data capture counts as caught up when no logical slot is further behind the WAL's end than this. */
    private static final long CAUGHT_UP_BYTES = 16L << 20;
    /**
     * How long the audit trail must have written nothing before a run starts: longer than the 10 s an idle backend
     * may hold its table statistics before it reports them.
     */
    private static final Duration QUIET = Duration.ofSeconds(12);
    /** The audit trail counts as stalled when it records nothing of the run for this long. */
    private static final Duration TRAIL_STALLED = Duration.ofSeconds(60);
    /** A count over the run's entries each time: not so often that it slows what it measures. */
    private static final CountWait TRAIL = new CountWait("audit trail", "created entities recorded",
            "is the clp-cdc connector paused, or Connect or audit-service down?", TRAIL_STALLED, Duration.ofSeconds(2));

    private final StackContext ctx;
    private final PrintStream out;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final BenchClient client;

    SyncBench(StackContext ctx, PrintStream out) {
        this.ctx = ctx;
        this.out = out;
        this.client = new BenchClient(ctx);
    }

    Result run(Options o) throws Exception {
        // a Google Ads customer id: ten digits, new on every run so the simulator adds a fresh account
        String customer = "49" + String.format(Locale.ROOT, "%08d", ThreadLocalRandom.current().nextInt(100_000_000));
        out.printf(Locale.ROOT, "sync bench %s: Google Ads customer %s with %,d campaigns, %,d ad groups, %,d ads, %,d assets "
                        + "(%,d entities)%n", run, customer, o.campaigns(), o.insertionOrders(), o.lineItemRows(), o.creativeRows(),
                o.entities());
        awaitCaughtUp();
        send("POST", simulator("/admin/accounts"), null, Map.of("dsp", DSP, "id", customer, "name", "Sync bench " + run,
                "timeZone", "UTC", "currency", "USD", "campaigns", o.campaigns(), "insertionOrders", 1,
                "lineItems", o.lineItems(), "creatives", o.creatives()), 201);

        String token = login();
        String orgId = send("POST", service("identity", "/api/v1/organizations"), token,
                Map.of("name", "Sync bench", "slug", "sync-bench-" + run), 201).path("id").asText();
        awaitKnown(orgId);
        String accounts = service("campaign", "/api/v1/organizations/" + orgId + "/dsp-accounts");
        String accountId = connect(accounts, customer).path("id").asText();
        boolean paused = false;
        boolean completed = false;
        try {
            if (o.pauseAuditCapture()) {
                // the write path alone, as with the change-capture chain on other hosts: the trail catches up after
                connector("clp-cdc", "pause");
                paused = true;
            }
            token = login();
            JsonNode queued = send("POST", accounts + "/" + accountId + "/sync?kind=full", token, null, 202);
            String runUrl = accounts + "/" + accountId + "/sync-runs/" + queued.path("id").asText();
            JsonNode finished = follow(runUrl, o);
            long entities = seen(finished.path("counts"));
            Instant end = Instant.parse(finished.path("finishedAt").asText());
            double wall = Duration.between(Instant.parse(finished.path("startedAt").asText()), end).toMillis() / 1000.0;
            // the anchor runs once the trail is complete: on the same quiet machine the sync started on
            double trail = paused ? Double.NaN : awaitTrail(orgId, created(finished.path("counts")), end, o);
            double copy = anchor(o);
            Result result = new Result(finished.path("status").asText(), entities, wall,
                    finished.path("dspWaitMs").asLong() / 1000.0, finished.path("writeMs").asLong() / 1000.0, trail, copy);
            print(result, o, finished);
            completed = true;
            return result;
        } finally {
            try {
                if (paused) {
                    client.resumeAuditCapture(out, completed);
                }
            } finally {
                disable(accounts, accountId);
            }
        }
    }

    /** Disables, not deletes, the bench's account: deleting detaches all its rows, an update of each that the audit trail then records. */
    private void disable(String accounts, String accountId) {
        try {
            send("PATCH", accounts + "/" + accountId, login(), Map.of("active", false), 200);
        } catch (Exception e) {
            // the run's own outcome (or failure) is what the bench reports
            out.println("  warning: the bench's account " + accountId + " could not be disabled: " + e.getMessage());
        }
    }

    /**
     * Waits until change data capture and the audit trail are idle: every logical slot of the database active, its
     * walsender having decoded to within a few megabytes of the WAL's end, and no audit trail entry written for
     * {@link #QUIET} (audit-service writes what Kafka still holds after the slots have caught up). A run is then not
     * measured against the backlog of what ran before it.
     */
    private void awaitCaughtUp() throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(10).toNanos();
        long lastPrint = start;
        long lastWrites = -1;
        long quietSince = start;
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            while (true) {
                String lagging = null;
                long behind = 0;
                // sent_lsn, not confirmed_flush_lsn: a slot confirms only when its connector commits a captured change,
                // so WAL of tables outside the publication (the audit trail's own) would hold it behind on an idle stack
                try (ResultSet rs = st.executeQuery("""
                        SELECT s.slot_name, s.active,
                               coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), r.sent_lsn), 0)::bigint AS behind
                        FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
                        WHERE s.slot_type = 'logical' AND s.database = current_database()""")) {
                    while (rs.next()) {
                        if (!rs.getBoolean("active")) {
                            throw new StackException("the replication slot " + rs.getString("slot_name") + " has no reader: "
                                    + "is Kafka Connect running and its connectors started? (./clp status, "
                                    + "curl http://127.0.0.1:" + ctx.ports().connect() + "/connectors?expand=status)");
                        }
                        if (rs.getLong("behind") > behind) {
                            behind = rs.getLong("behind");
                            lagging = rs.getString("slot_name");
                        }
                    }
                }
                long writes;
                try (ResultSet rs = st.executeQuery("""
                        SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint
                        FROM pg_stat_all_tables WHERE schemaname = 'audit' AND relname LIKE 'audit\\_logs%'""")) {
                    rs.next();
                    writes = rs.getLong(1);
                }
                if (writes != lastWrites || behind >= CAUGHT_UP_BYTES) {
                    lastWrites = writes;
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= QUIET.toNanos()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new StackException("change data capture and the audit trail are still busy after 10 minutes"
                            + (lagging == null ? "" : " (slot " + lagging + " " + behind / (1 << 20) + " MB behind)"));
                }
                if (System.nanoTime() - lastPrint > Duration.ofSeconds(10).toNanos()) {
                    lastPrint = System.nanoTime();
                    out.printf(Locale.ROOT, "  waiting for change data capture and the audit trail to be idle before the run%s%n",
                            lagging == null || behind < CAUGHT_UP_BYTES ? "" : " (slot " + lagging + " " + behind / (1 << 20) + " MB behind)");
                }
                Thread.sleep(1000);
            }
        }
    }

    /**
     * Seconds from the run's end until the audit trail holds a creation entry for each of the {@code created} entities
     * the run created (change data capture, Kafka and audit-service share the machine with the sync, and catch up
     * after it); -1 when it did not: the trail stopped growing for {@link #TRAIL_STALLED} (the change-capture connector
     * paused, Connect or audit-service down) or the run's timeout passed.
     */
    private double awaitTrail(String orgId, long created, Instant runEnd, Options o) throws Exception {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        try (Connection c = superuser(); PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM audit.audit_logs
                WHERE org_id = CAST(? AS uuid) AND action = 'create'
                  AND resource_type IN ('campaigns', 'insertion_orders', 'line_items', 'creatives')""")) {
            ps.setString(1, orgId);
            long seenAt = TRAIL.await(created, deadline, () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }, out);
            return seenAt < 0 ? -1 : Duration.between(runEnd, Instant.now()).toMillis() / 1000.0;
        }
    }

    private void connector(String name, String action) throws Exception {
        client.connector(name, action);
    }

    private Connection superuser() throws SQLException {
        return client.superuser();
    }

    private String login() throws Exception {
        return client.login();
    }

    private void awaitKnown(String orgId) throws Exception {
        client.awaitKnown(orgId);
    }

    /** Connects the account, once the demo user's token names the new organization. */
    private JsonNode connect(String accounts, String customer) throws Exception {
        Map<String, Object> body = Map.of("dspType", DSP, "externalAccountId", customer, "displayName", "Sync bench " + run,
                "credentials", Map.of("client_id", "clp-sim-client", "client_secret", "clp-sim-secret",
                        "refresh_token", "clp-sim-refresh-token", "developer_token", "clp-sim-developer-token"));
        HttpResponse<String> r = client.untilMember("POST", accounts, body).response();
        if (r.statusCode() != 201) {
            throw new StackException("connecting the bench account failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return BenchClient.JSON.readTree(r.body());
    }

    private JsonNode follow(String runUrl, Options o) throws Exception {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        long lastPrint = 0;
        String token = login();
        long tokenAt = System.nanoTime();
        while (true) {
            if (System.nanoTime() - tokenAt > Duration.ofMinutes(2).toNanos()) {
                token = login();
                tokenAt = System.nanoTime();
            }
            JsonNode r = send("GET", runUrl, token, null, 200);
            String status = r.path("status").asText();
            if (status.equals("succeeded") || status.equals("failed")) {
                return r;
            }
            if (System.nanoTime() - lastPrint > Duration.ofSeconds(10).toNanos()) {
                lastPrint = System.nanoTime();
                out.printf(Locale.ROOT, "  %s: level %s, %d pages, %,d entities, DSP wait %.1f s, write %.1f s%n", status,
                        r.path("level").asText("-"), r.path("pages").asInt(), seen(r.path("counts")),
                        r.path("dspWaitMs").asLong() / 1000.0, r.path("writeMs").asLong() / 1000.0);
            }
            if (System.nanoTime() > deadline) {
                throw new StackException("the sync run did not end within " + o.timeout().toMinutes() + " minutes: " + r);
            }
            Thread.sleep(1000);
        }
    }

    /** The same rows (count and shape per level) by COPY into temporary copies of the hierarchy tables; rows/s. */
    private double anchor(Options o) throws Exception {
        UUID org = UUID.randomUUID();
        // the services' roles may not create temporary tables (db/platform), the superuser may
        try (Connection c = superuser()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT set_config('search_path', 'campaign', true)");
                for (String table : List.of("campaigns", "insertion_orders", "line_items", "creatives")) {
                    st.execute("CREATE TEMP TABLE bench_" + table + " (LIKE campaign." + table
                            + " INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP");
                }
            }
            String common = "org_id, dsp_type, external_id, name, status, native_status, labels, attributes, dsp_updated_at, "
                    + "last_synced_at, sync_version";
            String money = ", budget, currency, budget_type, start_date, end_date, pacing";
            String values = org + "\tgoogle_ads\t%s\tBench %s\tactive\tENABLED\t[\"bench\"]\t{\"channel\": \"DISPLAY\"}\t"
                    + "2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\t1";
            String moneyValues = "\t1500.000000\tUSD\tdaily\t2026-01-01\t2026-12-31\t{\"pacing\": \"STANDARD\"}";
            PGConnection pg = c.unwrap(PGConnection.class);
            long start = System.nanoTime();
            copy(pg, "bench_campaigns (" + common + money + ")", o.campaigns(),
                    i -> values.formatted("c" + i, "campaign " + i) + moneyValues);
            copy(pg, "bench_insertion_orders (" + common + money + ", campaign_external_id)", o.insertionOrders(),
                    i -> values.formatted("g" + i, "ad group " + i) + moneyValues + "\tc" + i);
            copy(pg, "bench_line_items (" + common + money + ", insertion_order_external_id)", o.lineItemRows(),
                    i -> values.formatted("a" + i, "ad " + i) + moneyValues + "\tg" + (i / o.lineItems()));
            copy(pg, "bench_creatives (" + common + ", line_item_external_id)", o.creativeRows(),
                    i -> values.formatted("s" + i, "asset " + i) + "\ta" + (i / o.creatives()));
            c.commit();
            return o.entities() / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void copy(PGConnection pg, String target, long rows, IntFunction<String> row) throws SQLException {
        CopyIn in = pg.getCopyAPI().copyIn("COPY " + target + " FROM STDIN");
        StringBuilder chunk = new StringBuilder(1 << 20);
        for (int i = 0; i < rows; i++) {
            chunk.append(row.apply(i)).append('\n');
            if (chunk.length() > (1 << 20) - 1024 || i == rows - 1) {
                byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
                in.writeToCopy(bytes, 0, bytes.length);
                chunk.setLength(0);
            }
        }
        in.endCopy();
    }

    private void print(Result r, Options o, JsonNode run) {
        out.printf(Locale.ROOT, """
                  run: %s, %d pages, counts %s%s
                  synced: %,d entities of %,d in %.1f s wall (%,.0f entities/s end to end)
                  time: waiting on the DSP %.1f s, writing %.1f s
                  written: %,.0f entities/s (entities / write time; goal >= %,.0f)
                  audit trail: %s
                  anchor: raw COPY of %,d rows of the same shape into scratch copies of the tables: %,.0f rows/s
                          (the sync writes at %.0f%% of COPY's speed)
                """, r.status(), run.path("pages").asInt(), run.path("counts"),
                run.path("error").isTextual() ? ", error " + run.path("error").asText() : "",
                r.entities(), o.entities(), r.wallSeconds(), r.perSecond(), r.dspWaitSeconds(), r.writeSeconds(),
                r.writtenPerSecond(), GOAL_PER_SECOND, trail(r.trailSeconds()), o.entities(), r.copyPerSecond(), r.ofCopy() * 100);
        out.println(r.metGoal() ? "  result: PASS" : "  result: FAIL");
    }

    private static String trail(double seconds) {
        if (Double.isNaN(seconds)) {
            return "not measured (its change capture was paused for the run, --pause-audit-capture; it catches up now)";
        }
        return seconds < 0 ? "not complete (see above)"
                : String.format(Locale.ROOT, "every created entity recorded %.1f s after the run ended", seconds);
    }

    private String simulator(String path) {
        return client.simulator(path);
    }

    private String service(String name, String path) {
        return client.service(name, path);
    }

    private JsonNode send(String method, String url, String token, Object body, int expected) throws Exception {
        return client.send(method, url, token, body, expected);
    }
}
