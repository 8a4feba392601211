package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./clp bench api}: an organization with 100,000 campaigns and a year of daily campaign metrics (each campaign
 * delivering over a flight within the year), then two dashboard reads through campaign-service — a campaign list
 * page over a month sorted and filtered by a KPI (first pages and cursor pages), and one campaign's 90-day daily
 * series — against the same SQL driven directly at PostgreSQL over JDBC, as the service's own database role in the
 * same row-level-security scope, in the same run. Each is measured twice: closed-loop with the same concurrency, the
 * service and its SQL in alternating slices (the throughputs and their ratio, goal at least 0.5), and open-loop at a
 * fixed rate (1,000 requests/s; the service's p99, goal at most 20 ms, counted from when each request was due so that
 * a stalled server is not hidden). The bench's campaigns are written straight into the database (the service's own
 * metrics triggers keep their period totals), with the audit trail's change capture paused meanwhile: it records them
 * once the bench ends.
 *
 * <p>The bench runs on the machine it measures, its workers sharing the cores with the service and PostgreSQL, so
 * whatever its own requests cost is taken from what it measures: both sides are sent as cheaply, the SQL over one JDBC
 * connection a worker, the HTTP requests blocking on the worker's thread over kept-alive HTTP/1.1 connections of the
 * JDK's {@link java.net.HttpURLConnection} ({@link BenchClient#getDiscarding}), each answer's body read and discarded.
 */
final class ApiBench {

    static final double GOAL_RATIO = 0.5;
    static final double GOAL_P99_MS = 20;
    /** How many slices of the service and of its SQL the closed-loop measurement alternates. */
    static final int SLICES = 5;

    record Options(int campaigns, int days, int flightDays, int seconds, int rate, int concurrency, boolean reuse) {

        static Options parse(List<String> args) {
            BenchOptions o = BenchOptions.parse(args, Set.of("--campaigns", "--days", "--flight-days", "--seconds", "--rate",
                    "--concurrency"), Set.of("--reuse"), "--campaigns N, --days N of metrics, --flight-days N a campaign delivers, "
                    + "--seconds N a measurement, --rate N requests/s, --concurrency N, --reuse");
            Options options = new Options(o.integer("--campaigns", 100_000), o.integer("--days", 365),
                    o.integer("--flight-days", 60), o.integer("--seconds", 20), o.integer("--rate", 1000),
                    o.integer("--concurrency", 8), o.flag("--reuse"));
            if (options.flightDays() > options.days()) {
                throw new StackException("--flight-days is at most --days");
            }
            if (options.days() > 3 * 366) {
                throw new StackException("--days is at most 1098");
            }
            return options;
        }
    }

    /** One measurement: completed requests per second, failures, and latency percentiles in milliseconds. */
    record Measured(double perSecond, long failed, double p50, double p99) {
    }

    record Result(Measured listService, Measured listSql, Measured listServiceAtRate, Measured listSqlAtRate,
                  Measured seriesService, Measured seriesSql, Measured seriesServiceAtRate, Measured seriesSqlAtRate) {

        boolean completed() {
            return listService.failed() + seriesService.failed() + listServiceAtRate.failed() + seriesServiceAtRate.failed() == 0;
        }
    }

    /** One request of a workload, on the worker's own connection (JDBC) or a kept-alive one (HTTP); true when it succeeded. */
    interface Call {
        boolean run(int worker) throws Exception;
    }

    /**
     * The campaign list the service is asked for, as the SQL the service runs for it (CampaignList): the same columns
     * in the same order, the same conditions with the same values bound (the grain and the status too), the page's limit
     * bound as well; a first page, and a page after a cursor, a row comparison that bounds the KPI index's range.
     */
    static final String LIST_SQL = """
            SELECT e.id, CAST(e.dsp_type AS text), e.dsp_account_id, e.external_id, e.name, e.advertiser_id, e.advertiser_name,
                   e.status, e.native_status, e.budget, e.currency, e.budget_type, e.start_date, e.end_date, e.removed_at,
                   e.sync_version, e.last_synced_at, e.dsp_updated_at, e.created_at, e.updated_at, CAST(e.pacing AS text),
                   CAST(e.labels AS text), m.grain, m.period_start, m.days, m.currency AS totals_currency, m.impressions, m.clicks,
                   m.conversions, m.views, m.spend, m.revenue, m.billed_spend, m.ctr, m.cpc, m.cpm, m.cpa, m.cvr, m.roas,
                   m.spend AS sort_key
            FROM campaign.campaign_period_metrics m JOIN campaign.campaigns e ON e.id = m.campaign_id
            WHERE m.org_id = ?::uuid AND m.grain = ? AND m.period_start = ?::date AND e.org_id = ?::uuid
              AND e.status IN (?) AND e.removed_at IS NULL AND m.roas >= ?::numeric AND m.spend IS NOT NULL%s
            ORDER BY m.spend DESC, m.campaign_id DESC LIMIT ?
            """;
    static final String FIRST_PAGE_SQL = LIST_SQL.formatted("");
    static final String NEXT_PAGE_SQL = LIST_SQL.formatted("\n  AND (m.spend, m.campaign_id) < (?::numeric, ?::uuid)");
    /** The list's page size; its query asks for one row more, which only tells that another page follows. */
    static final int LIST_LIMIT = 50;
    /** The 90-day series' campaign and its points in one statement (EntitySeries), in the same scope. */
    static final String SERIES_SQL = """
            SELECT s.* FROM campaign.campaigns e
            LEFT JOIN LATERAL (
                SELECT m.metric_date AS start, m.metric_date AS period_end, NULL::uuid, NULL::text, NULL::text, m.currency,
                       c.currency AS billed_currency, 1, m.impressions, m.clicks, m.conversions, m.views,
                       m.spend, m.revenue, m.billed_spend
                FROM campaign.campaign_metrics m LEFT JOIN campaign.clients c ON c.id = m.client_id
                WHERE m.entity_level = 'campaign' AND m.entity_id = ?::uuid AND m.metric_date BETWEEN ?::date AND ?::date
                  AND m.org_id = e.org_id AND m.campaign_id = e.id) s ON true
            WHERE e.id = ?::uuid AND e.org_id = ?::uuid
            ORDER BY 1
            """;
    static final String SCOPE = "SELECT set_config('clp.user_id', '', true), set_config('clp.scope', 'user', true), "
            + "set_config('clp.org_ids', ?, true)";
    /** The list's page is sorted by a KPI: as the service does (CampaignList), its transaction runs on generic plans. */
    static final String GENERIC_PLANS = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";
    static final String MIN_ROAS = "0.5";

    private final StackContext ctx;
    private final PrintStream out;
    private final BenchClient client;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private volatile String token;

    ApiBench(StackContext ctx, PrintStream out) {
        this.ctx = ctx;
        this.out = out;
        this.client = new BenchClient(ctx);
    }

    Result run(Options o) throws Exception {
        LocalDate last = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        LocalDate first = last.minusDays(o.days() - 1L);
        out.printf(Locale.ROOT, "api bench %s: %,d campaigns, daily metrics %s..%s (a %d-day flight each), %d s a measurement%n",
                run, o.campaigns(), first, last, o.flightDays(), o.seconds());
        String reused = o.reuse() ? earlier(o) : null;
        String orgId = reused != null ? reused : client.newOrganization("API bench", "api-bench-" + run);
        String base = client.service("campaign", "/api/v1/organizations/" + orgId);
        token = awaitAccess(base);
        boolean paused = false;
        boolean completed = false;
        try {
            if (reused != null) {
                out.println("  reusing organization " + orgId + " of an earlier run, and its data");
                last = lastDay(orgId);
                first = last.minusDays(o.days() - 1L);
            } else {
                // the write path of a bulk load is not what is measured: the audit trail records it after the bench
                client.connector("clp-cdc", "pause");
                paused = true;
                load(orgId, o, first, last);
            }
            token = client.login();

            List<LocalDate> months = new ArrayList<>();
            for (LocalDate m = first.withDayOfMonth(1).plusMonths(1); !m.plusMonths(1).isAfter(last); m = m.plusMonths(1)) {
                months.add(m);
            }
            if (months.isEmpty()) {
                months.add(first.withDayOfMonth(1));
            }
            List<ListPage> pages = listPages(base, months);
            List<String[]> series = seriesTargets(orgId, o, first, last);
            out.printf(Locale.ROOT, "  workloads: %d list pages (%d months, first and second pages), %d campaign series%n",
                    pages.size(), months.size(), series.size());

            Call listService = w -> get(pages.get(ThreadLocalRandom.current().nextInt(pages.size())).url());
            Call seriesService = w -> {
                String[] s = series.get(ThreadLocalRandom.current().nextInt(series.size()));
                return get(base + "/campaigns/" + s[0] + "/metrics/series?grain=day&from=" + s[1] + "&to=" + s[2]);
            };
            int workers = Math.max(o.concurrency(), 64);
            try (Jdbc jdbc = new Jdbc(workers, orgId)) {
                Call listSql = w -> jdbc.list(w, pages.get(ThreadLocalRandom.current().nextInt(pages.size())));
                Call seriesSql = w -> jdbc.series(w, series.get(ThreadLocalRandom.current().nextInt(series.size())));

                out.println("  campaign list (a month by spend, active, ROAS >= " + MIN_ROAS + ", " + LIST_LIMIT + " a page):");
                Measured[] list = closed(listService, listSql, o);
                Measured ls = list[0];
                Measured lq = list[1];
                Measured lsr = open("service", listService, o, workers);
                Measured lqr = open("SQL    ", listSql, o, workers);
                out.println("  90-day daily series of one campaign:");
                Measured[] seriesPair = closed(seriesService, seriesSql, o);
                Measured ss = seriesPair[0];
                Measured sq = seriesPair[1];
                Measured ssr = open("service", seriesService, o, workers);
                Measured sqr = open("SQL    ", seriesSql, o, workers);
                Result r = new Result(ls, lq, lsr, lqr, ss, sq, ssr, sqr);
                print(r, o);
                completed = true;
                return r;
            }
        } finally {
            if (paused && client.resumeAuditCapture(out, completed)) {
                out.println("  the audit trail's change capture is resumed; it records the bench's campaigns now");
            }
        }
    }

    /** The newest earlier bench organization holding exactly --campaigns campaigns, or null (then the bench loads its own). */
    private String earlier(Options o) throws Exception {
        try (Connection c = client.superuser(); PreparedStatement ps = c.prepareStatement("""
                SELECT o.org_id FROM campaign.organization_refs o
                WHERE o.slug LIKE 'api-bench-%' AND (SELECT count(*) FROM campaign.campaigns c WHERE c.org_id = o.org_id) = ?
                ORDER BY o.received_at DESC LIMIT 1
                """)) {
            ps.setInt(1, o.campaigns());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private LocalDate lastDay(String orgId) throws Exception {
        try (Connection c = client.superuser(); PreparedStatement ps = c.prepareStatement(
                "SELECT max(metric_date) FROM campaign.campaign_metrics WHERE org_id = ?::uuid")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, LocalDate.class);
            }
        }
    }

    /** A token that names the new organization: one minted before the organization reached Keycloak does not, yet. */
    private String awaitAccess(String base) throws Exception {
        BenchClient.MemberAnswer a = client.untilMember("GET", base + "/campaigns?limit=1", null);
        if (a.response().statusCode() != 200) {
            throw new StackException("the bench's organization is not readable: HTTP " + a.response().statusCode());
        }
        return a.token();
    }

    /**
     * The campaigns (one DSP type in five, four in five active) and their daily metrics, a month a statement: each
     * statement's campaign-level rows fire the period-totals trigger once, as a metrics batch does.
     */
    private void load(String orgId, Options o, LocalDate first, LocalDate last) throws Exception {
        long start = System.nanoTime();
        try (Connection c = client.superuser()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = off");
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO campaign.campaigns (id, org_id, dsp_type, external_id, name, status, native_status, advertiser_id,
                                                    budget, currency, start_date, end_date, sync_version, last_synced_at)
                    SELECT gen_random_uuid(), ?::uuid, (ARRAY['dv360','ttd','meta','amazon','google_ads'])[1 + i % 5]::campaign.dsp_type,
                           'bench-' || i, 'Bench campaign ' || lpad(i::text, 6, '0'), s, upper(s), 'adv-' || (i % 50),
                           1000 + (i % 97) * 100, 'EUR', f, f + ?::int - 1, 1, now()
                    FROM generate_series(1, ?) AS i
                    CROSS JOIN LATERAL (SELECT CASE WHEN i % 5 = 0 THEN 'paused' ELSE 'active' END AS s,
                                               ?::date + (hashint4(i) & 2147483647) % (?::int - ?::int + 1) AS f) x
                    """)) {
                ps.setString(1, orgId);
                ps.setInt(2, o.flightDays());
                ps.setInt(3, o.campaigns());
                ps.setString(4, first.toString());
                ps.setInt(5, o.days());
                ps.setInt(6, o.flightDays());
                ps.executeUpdate();
            }
            c.commit();
            out.printf(Locale.ROOT, "  %,d campaigns written in %.1f s%n", o.campaigns(), (System.nanoTime() - start) / 1e9);
            try (PreparedStatement ps = c.prepareStatement("SELECT campaign.clp_ensure_metric_partitions(?::date, ?::date)")) {
                ps.setString(1, first.toString());
                ps.setString(2, last.toString());
                ps.execute();
            }
            c.commit();
            long rows = 0;
            long metricsStart = System.nanoTime();
            for (LocalDate m = first.withDayOfMonth(1); !m.isAfter(last); m = m.plusMonths(1)) {
                LocalDate from = m.isBefore(first) ? first : m;
                LocalDate to = m.plusMonths(1).minusDays(1).isAfter(last) ? last : m.plusMonths(1).minusDays(1);
                try (Statement st = c.createStatement()) {
                    st.execute("SET LOCAL synchronous_commit = off");
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO campaign.campaign_metrics (org_id, entity_level, entity_id, campaign_id, metric_date, impressions,
                                                               clicks, conversions, views, spend, currency, revenue, ctr, cpc, cpm,
                                                               cpa, cvr, roas, batch_id, execution_id, source_extracted_at)
                        SELECT c.org_id, 'campaign', c.id, c.id, d, v.impressions, v.clicks, v.conversions, 0, v.spend, 'EUR', v.revenue,
                               campaign.clp_metric_ratio(v.clicks, v.impressions, 6),
                               campaign.clp_metric_ratio(v.spend, v.clicks, 6),
                               campaign.clp_metric_ratio(v.spend * 1000, v.impressions, 6),
                               campaign.clp_metric_ratio(v.spend, v.conversions, 6),
                               campaign.clp_metric_ratio(v.conversions, v.clicks, 6),
                               campaign.clp_metric_ratio(v.revenue, v.spend, 6),
                               ?::uuid, ?::uuid, now()
                        FROM campaign.campaigns c
                        CROSS JOIN LATERAL generate_series(greatest(c.start_date, ?::date), least(c.end_date, ?::date), interval '1 day') AS g(day)
                        CROSS JOIN LATERAL (SELECT g.day::date AS d, hashtextextended(c.id::text || g.day::date, 0) & 1048575 AS h) k
                        CROSS JOIN LATERAL (SELECT 1000 + k.h % 50000 AS impressions, (k.h % 50000) / 100 AS clicks,
                                                   k.h % 37 AS conversions, round((1000 + k.h % 50000) * (1 + k.h % 9) / 1000.0, 6) AS spend,
                                                   round((k.h % 37) * (k.h % 23) * 1.5, 6) AS revenue) v
                        WHERE c.org_id = ?::uuid
                        """)) {
                    ps.setString(1, UUID.randomUUID().toString());
                    ps.setString(2, UUID.randomUUID().toString());
                    ps.setString(3, from.toString());
                    ps.setString(4, to.toString());
                    ps.setString(5, orgId);
                    rows += ps.executeUpdate();
                }
                c.commit();
            }
            out.printf(Locale.ROOT, "  %,d daily campaign rows written, with their week and month totals, in %.1f s%n", rows,
                    (System.nanoTime() - metricsStart) / 1e9);
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE campaign.campaigns");
                st.execute("ANALYZE campaign.campaign_metrics");
                st.execute("ANALYZE campaign.campaign_period_metrics");
            }
        }
    }

    /** A list page: the service's URL and the same page's SQL parameters (the cursor's spend and id, or none). */
    record ListPage(String url, LocalDate month, String afterSpend, String afterId) {
    }

    /** Each month's first page, and its second page through the cursor the first one returned. */
    private List<ListPage> listPages(String base, List<LocalDate> months) throws Exception {
        List<ListPage> pages = new ArrayList<>();
        for (LocalDate month : months) {
            String url = base + "/campaigns?period=" + month + "&sort=spend&order=desc&status=active&kpi=roas:gte:" + MIN_ROAS
                    + "&limit=" + LIST_LIMIT;
            pages.add(new ListPage(url, month, null, null));
            JsonNode page = client.send("GET", url, token, null, 200);
            String cursor = page.path("nextCursor").asText(null);
            JsonNode items = page.path("items");
            if (cursor != null && !items.isEmpty()) {
                JsonNode lastItem = items.get(items.size() - 1);
                pages.add(new ListPage(url + "&cursor=" + cursor, month, lastItem.path("metrics").path("spend").asText(),
                        lastItem.path("id").asText()));
            }
        }
        return pages;
    }

    /** 200 campaigns, each with a 90-day window inside the year (and its flight, mostly). */
    private List<String[]> seriesTargets(String orgId, Options o, LocalDate first, LocalDate last) throws Exception {
        List<String[]> targets = new ArrayList<>();
        try (Connection c = client.superuser(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, start_date FROM campaign.campaigns WHERE org_id = ?::uuid ORDER BY hashtext(id::text) LIMIT 200")) {
            ps.setString(1, orgId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LocalDate from = rs.getObject(2, LocalDate.class);
                    if (from.plusDays(89).isAfter(last)) {
                        from = last.minusDays(89);
                    }
                    if (from.isBefore(first)) {
                        from = first;
                    }
                    targets.add(new String[] {rs.getString(1), from.toString(), from.plusDays(89).toString()});
                }
            }
        }
        return targets;
    }

    private boolean get(String url) throws Exception {
        return client.getDiscarding(url, token) == 200;
    }

    /** The same reads over JDBC, as the service's role, one connection a worker. */
    private final class Jdbc implements AutoCloseable {
        private final Connection[] connections;
        private final String orgId;

        Jdbc(int workers, String orgId) throws Exception {
            this.orgId = orgId;
            this.connections = new Connection[workers];
            for (int i = 0; i < workers; i++) {
                connections[i] = DriverManager.getConnection(ctx.jdbcUrl(), ServiceCatalog.role("campaign"),
                        ctx.databasePassword("campaign"));
                connections[i].setAutoCommit(false);
            }
        }

        boolean list(int worker, ListPage page) throws Exception {
            Connection c = connections[worker];
            scope(c, SCOPE, orgId);
            scope(c, GENERIC_PLANS);
            try (PreparedStatement ps = c.prepareStatement(page.afterId() == null ? FIRST_PAGE_SQL : NEXT_PAGE_SQL)) {
                ps.setString(1, orgId);
                ps.setString(2, "month");
                ps.setString(3, page.month().toString());
                ps.setString(4, orgId);
                ps.setString(5, "active");
                ps.setString(6, MIN_ROAS);
                int next = 7;
                if (page.afterId() != null) {
                    ps.setString(next++, page.afterSpend());
                    ps.setString(next++, page.afterId());
                }
                ps.setInt(next, LIST_LIMIT + 1);
                int n = drain(ps);
                c.commit();
                return n > 0;
            }
        }

        boolean series(int worker, String[] target) throws Exception {
            Connection c = connections[worker];
            scope(c, SCOPE, orgId);
            try (PreparedStatement ps = c.prepareStatement(SERIES_SQL)) {
                ps.setString(1, target[0]);
                ps.setString(2, target[1]);
                ps.setString(3, target[2]);
                ps.setString(4, target[0]);
                ps.setString(5, orgId);
                int rows = drain(ps);
                c.commit();
                return rows > 0;
            }
        }

        /** A statement of the transaction's settings, as the service sends it before the read. */
        private static void scope(Connection c, String sql, String... params) throws Exception {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setString(i + 1, params[i]);
                }
                drain(ps);
            }
        }

        /** Reads every column of every row, as a client would; returns the row count. */
        private static int drain(PreparedStatement ps) throws Exception {
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        rs.getString(i);
                    }
                    n++;
                }
            }
            return n;
        }

        @Override
        public void close() throws Exception {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    /**
     * The service and its SQL, each as many requests as the workers complete back to back, after a warm-up of each of a
     * quarter of the time. The measurement alternates between the two in {@link #SLICES} slices each, in turns of one of
     * each whose order swaps every turn (service then SQL, SQL then service, ...): whatever else the machine does
     * meanwhile (a collection, a checkpoint, another process's burst, a slower spell of a shared host) falls on both alike
     * instead of on whichever ran at the time, and a steady drift on neither side more. Each side's figures are over all
     * of its slices. The demo user signs in again before each turn, outside the timed slices, so that a long measurement
     * never outlives its token.
     */
    private Measured[] closed(Call service, Call sql, Options o) throws Exception {
        token = client.login();
        long warmUp = TimeUnit.SECONDS.toNanos(Math.max(2, o.seconds() / 4));
        loop(service, o.concurrency(), warmUp);
        loop(sql, o.concurrency(), warmUp);
        long slice = TimeUnit.SECONDS.toNanos(o.seconds()) / SLICES;
        List<Run> serviceRuns = new ArrayList<>();
        List<Run> sqlRuns = new ArrayList<>();
        for (int i = 0; i < SLICES; i++) {
            token = client.login();
            if (i % 2 == 0) {
                serviceRuns.add(loop(service, o.concurrency(), slice));
                sqlRuns.add(loop(sql, o.concurrency(), slice));
            } else {
                sqlRuns.add(loop(sql, o.concurrency(), slice));
                serviceRuns.add(loop(service, o.concurrency(), slice));
            }
        }
        Measured[] m = {measured(serviceRuns), measured(sqlRuns)};
        String[] labels = {"service", "SQL    "};
        for (int i = 0; i < m.length; i++) {
            out.printf(Locale.ROOT, "    %s %d concurrent: %,8.0f requests/s   p50 %6.2f ms   p99 %6.2f ms%s%n", labels[i],
                    o.concurrency(), m[i].perSecond(), m[i].p50(), m[i].p99(), m[i].failed() > 0 ? "   FAILED " + m[i].failed() : "");
        }
        return m;
    }

    /** One closed-loop run: each request's latency, how long the run took, and how many requests failed. */
    private record Run(long[] latencies, double elapsed, long failed) {
    }

    private static Run loop(Call call, int concurrency, long nanos) throws Exception {
        long end = System.nanoTime() + nanos;
        AtomicLong failed = new AtomicLong();
        long[][] latencies = new long[concurrency][];
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            threads.add(Thread.ofPlatform().start(() -> {
                // a worker's latencies, grown as it goes: a short slice takes little memory
                long[] mine = new long[4_096];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    try {
                        if (!call.run(worker)) {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = System.nanoTime() - t;
                }
                latencies[worker] = Arrays.copyOf(mine, n);
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        // each worker's array is set before its thread ends, and seen here after join
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).toArray();
        return new Run(all, elapsed, failed.get());
    }

    /** The runs' figures together: their requests over their summed time, percentiles over all their latencies. */
    private static Measured measured(List<Run> runs) {
        long[] all = runs.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).toArray();
        return measured(all, runs.stream().mapToDouble(Run::elapsed).sum(), runs.stream().mapToLong(Run::failed).sum());
    }

    /**
     * Requests due at a fixed rate whatever the answers' pace, each timed from when it was due: a server that falls
     * behind shows in the latencies (and in a lower completed rate), not as fewer requests sent. As the closed loop, it
     * warms up first for a quarter of the time at the same rate: the open loop's workers outnumber the closed loop's, and
     * what is measured is a steady rate, not the first use of their connections.
     */
    private Measured open(String label, Call call, Options o, int workers) throws Exception {
        token = client.login();
        openLoop(call, o.rate(), Math.max(2, o.seconds() / 4), workers);
        Measured m = openLoop(call, o.rate(), o.seconds(), workers);
        out.printf(Locale.ROOT, "    %s at %,d/s:     %,8.0f requests/s   p50 %6.2f ms   p99 %6.2f ms%s%n", label, o.rate(),
                m.perSecond(), m.p50(), m.p99(), m.failed() > 0 ? "   FAILED " + m.failed() : "");
        return m;
    }

    private static Measured openLoop(Call call, int rate, int seconds, int workers) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicLong failed = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        // each worker takes the next due request, waits for its time, runs it: up to `workers` in flight
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        for (int w = 0; w < workers; w++) {
            int worker = w;
            pool.submit(() -> {
                long k;
                while ((k = next.getAndIncrement()) < total) {
                    long due = start + k * interval;
                    try {
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        if (!call.run(worker)) {
                            failed.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        return null;
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    latencies[(int) k] = System.nanoTime() - due;
                    completed.incrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        boolean finished = pool.awaitTermination(seconds * 3L + 60, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!finished) {
            pool.shutdownNow();
        }
        // a request that never ran (the server stalled past the deadline) is a failure, never a zero latency
        long ran = Math.min(completed.get(), total);
        long[] measured = Arrays.stream(latencies).filter(l -> l > 0).toArray();
        Measured m = measured(measured, elapsed, failed.get() + (total - ran));
        return new Measured(ran / elapsed, m.failed(), m.p50(), m.p99());
    }

    private static Measured measured(long[] latencies, double elapsed, long failed) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        return new Measured(sorted.length / elapsed, failed, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private void print(Result r, Options o) {
        out.println("  result:");
        line("campaign list", r.listService(), r.listSql(), r.listServiceAtRate(), o);
        line("90-day series", r.seriesService(), r.seriesSql(), r.seriesServiceAtRate(), o);
    }

    private void line(String what, Measured service, Measured sql, Measured atRate, Options o) {
        double ratio = service.perSecond() / sql.perSecond();
        out.printf(Locale.ROOT, "    %s: service %,.0f/s, SQL %,.0f/s, ratio %.2f (goal >= %.1f, %s); service p99 at %,d/s %.1f ms "
                        + "(goal <= %.0f ms, %s)%n", what, service.perSecond(), sql.perSecond(), ratio, GOAL_RATIO,
                ratio >= GOAL_RATIO ? "met" : "missed", o.rate(), atRate.p99(), GOAL_P99_MS,
                atRate.p99() <= GOAL_P99_MS && atRate.failed() == 0 ? "met" : "missed");
    }
}
