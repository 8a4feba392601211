package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.clp.events.pipeline.MetricsBatch;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * {@code ./clp bench ingest}: daily media CSV files (the seed-004 shape) through the metrics ETL on the running local
 * stack, the way an organization would load them. A new organization of the demo user connects a simulated DV360
 * account and makes a pipeline from the "Daily media CSV file" template over a directory source, with
 * {@code unknownEntities: create}. A warm-up run creates the campaigns, strategies, placements and creatives the files
 * name; the measured run reads the same files with new numbers (a restatement of every row) and is timed until
 * pipeline-service has committed gold (the execution completed) and until campaign-service has applied every metrics
 * batch (every gold row queryable in campaign.campaign_metrics, written by this execution). The peak heap of both
 * services is sampled every 200 ms during the measured run.
 *
 * <p>The anchor is the same bytes loaded by plain {@code COPY ... FROM STDIN (FORMAT csv, HEADER)} into a bare table
 * on the same PostgreSQL, before the measured run: the database's raw loading speed on this machine.
 */
final class IngestBench {

    /** Gold committed in pipeline-service, as a share of raw COPY (issue 12). */
    static final double GOAL_GOLD = 0.5;
    /** Metrics queryable in campaign-service, as a share of raw COPY (issue 12). */
    static final double GOAL_QUERYABLE = 0.33;

    /** campaign-service's inbox name for metrics batches (its MetricsStore.CONSUMER, the channel's group id). */
    static final String METRICS_INBOX = "campaign-metrics-batches";

    static final String TEMPLATE = "7c1e0a55-0d01-4b7e-9a51-000000000006";
    static final String HEADER = "date,campaign_name,strategy_name,placement_name,creative_name,impressions,clicks,ctr,"
            + "conversions,conversion_revenue";
    /** The folder of the organization's files the pipeline reads (its {@code source.path}). */
    static final String SOURCE_PATH = "ingest-bench";

    record Options(long rows, int days, Duration timeout) {

        static Options parse(List<String> args) {
            BenchOptions o = BenchOptions.parse(args, Set.of("--rows", "--days", "--timeout-minutes"), Set.of(),
                    "--rows N, --days N daily files, --timeout-minutes N");
            long rows = o.number("--rows", 1_000_000);
            int days = o.integer("--days", 30);
            int minutes = o.integer("--timeout-minutes", 60);
            if (days > 366) {
                throw new StackException("--days is at most 366 (one run's window)");
            }
            if (rows < days) {
                throw new StackException("--rows must be at least --days (one row a day)");
            }
            return new Options(rows, days, Duration.ofMinutes(minutes));
        }

        /** The rows of the {@code day}-th file (0-based): the rows spread evenly, the first days one more. */
        long rowsOn(int day) {
            return rows / days + (day < rows % days ? 1 : 0);
        }

        /** Distinct creatives: each appears once a day. */
        long creatives() {
            return rowsOn(0);
        }
    }

    /**
     * Writes one file per day from {@code first}, {@code media_<day>.csv}, streaming; the same options, day and
     * variant always give the same bytes. Row k of a day is creative k, under placement k/20, strategy k/200 and
     * campaign k/2,000; the variant changes the numbers only (variant 1 restates variant 0). Returns the files.
     */
    static List<Path> generate(Path dir, Options o, LocalDate first, int variant) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int d = 0; d < o.days(); d++) {
            LocalDate day = first.plusDays(d);
            Path file = dir.resolve("media_" + day + ".csv");
            SplittableRandom random = new SplittableRandom(day.toEpochDay() * 31 + variant);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write(HEADER);
                w.write('\n');
                StringBuilder line = new StringBuilder(160);
                long n = o.rowsOn(d);
                for (long k = 0; k < n; k++) {
                    long impressions = 1_000 + random.nextInt(50_000);
                    long clicks = impressions * random.nextInt(300) / 10_000;
                    long conversions = clicks / 10;
                    line.setLength(0);
                    line.append(day).append(",Bench campaign ").append(k / 2_000).append(",Bench strategy ").append(k / 200)
                            .append(",Bench placement ").append(k / 20).append(",Bench creative ").append(k).append(',')
                            .append(impressions).append(',').append(clicks).append(',')
                            .append(String.format(Locale.ROOT, "%.6f", (double) clicks / impressions)).append(',')
                            .append(conversions).append(',').append(conversions * 12).append(".50\n");
                    w.append(line);
                }
            }
            files.add(file);
        }
        return files;
    }

    /**
     * @param floorSeconds the cheapest write of the execution's metrics rows into a table shaped like
     *                     campaign_metrics ({@link #floor}); 0 when not measured
     */
    record Result(String status, long rows, double copyPerSecond, double goldSeconds, double queryableSeconds,
                  double floorSeconds, long pipelineHeap, long campaignHeap) {

        double goldPerSecond() {
            return goldSeconds > 0 ? rows / goldSeconds : 0;
        }

        double queryablePerSecond() {
            return queryableSeconds > 0 ? rows / queryableSeconds : 0;
        }

        double goldRatio() {
            return copyPerSecond > 0 ? goldPerSecond() / copyPerSecond : 0;
        }

        double queryableRatio() {
            return copyPerSecond > 0 ? queryablePerSecond() / copyPerSecond : 0;
        }

        /**
         * The best queryable ratio this machine allows: the file's rows over the time the write of the metrics rows
         * alone took, as a share of COPY. Metrics are queryable only after campaign-service wrote them, so no
         * design of the stages before that write can beat it.
         */
        double floorRatio() {
            return copyPerSecond > 0 && floorSeconds > 0 ? rows / floorSeconds / copyPerSecond : 0;
        }

        boolean completed() {
            return "completed".equals(status) && queryableSeconds > 0;
        }
    }

    private static final CountWait APPLIED = new CountWait("campaign-service", "metrics batches applied",
            "see ./clp dlq list and .clp/logs/campaign-service.log", Duration.ofMinutes(2), Duration.ofMillis(200));

    private final StackContext ctx;
    private final PrintStream out;
    private final BenchClient client;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    IngestBench(StackContext ctx, PrintStream out) {
        this.ctx = ctx;
        this.out = out;
        this.client = new BenchClient(ctx);
    }

    Result run(Options o) throws Exception {
        LocalDate to = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        LocalDate from = to.minusDays(o.days() - 1L);
        out.printf(Locale.ROOT, "ingest bench %s: %,d rows in %d daily files (%s..%s), %,d creatives%n", run, o.rows(), o.days(),
                from, to, o.creatives());
        String orgId = client.newOrganization("Ingest bench", "ingest-bench-" + run);
        Path dir = ServiceComponent.filesRoot(ctx).resolve(orgId).resolve(SOURCE_PATH);
        String accountId = connectAccount(orgId);
        String pipelines = client.service("pipeline", "/api/v1/organizations/" + orgId + "/pipelines");
        String pipelineId = client.send("POST", pipelines, client.login(), Map.of("name", "Ingest bench " + run,
                "templateId", TEMPLATE, "dspAccountId", accountId, "status", "active",
                "params", Map.of("source", Map.of("kind", "directory", "path", SOURCE_PATH), "unknownEntities", "create")),
                201).path("id").asText();
        String runs = pipelines + "/" + pipelineId + "/runs";
        Map<String, String> window = Map.of("from", from.toString(), "to", to.toString());

        long genStart = System.nanoTime();
        List<Path> files = generate(dir, o, from, 0);
        out.printf(Locale.ROOT, "  generated %,d bytes in %.1f s%n", size(files), (System.nanoTime() - genStart) / 1e9);
        out.println("  warm-up run (creates the entities) ...");
        String warm = client.send("POST", runs, client.login(), window, 202).path("id").asText();
        JsonNode warmed = await(pipelines + "/" + pipelineId + "/executions/" + warm, o);
        if (!"completed".equals(warmed.path("status").asText())) {
            out.println("  warm-up execution " + warm + " ended " + warmed.path("status").asText() + ": " + warmed.path("error"));
            return new Result(warmed.path("status").asText(), o.rows(), 0, 0, 0, 0, 0, 0);
        }
        awaitQueryable(pipelineId, warm, o);

        files = generate(dir, o, from, 1);
        double copy = anchor(files, o.rows());
        out.printf(Locale.ROOT, "  anchor: COPY of the same %,d rows into a bare table: %,.0f rows/s%n", o.rows(), copy);

        HeapSampler pipelineHeap = HeapSampler.start(ctx, "pipeline-service");
        HeapSampler campaignHeap = HeapSampler.start(ctx, "campaign-service");
        try {
            out.println("  measured run (a restatement of every row) ...");
            long start = System.nanoTime();
            String measured = client.send("POST", runs, client.login(), window, 202).path("id").asText();
            JsonNode done = await(pipelines + "/" + pipelineId + "/executions/" + measured, o);
            double gold = (System.nanoTime() - start) / 1e9;
            if (!"completed".equals(done.path("status").asText())) {
                out.println("  execution " + measured + " ended " + done.path("status").asText() + ": " + done.path("error"));
                return new Result(done.path("status").asText(), o.rows(), copy, 0, 0, 0, pipelineHeap.peak(),
                        campaignHeap.peak());
            }
            Applied applied = awaitQueryable(pipelineId, measured, o);
            double queryable = applied.at() < 0 ? -1 : (applied.at() - start) / 1e9;
            long pipelinePeak = pipelineHeap.peak();
            long campaignPeak = campaignHeap.peak();
            Result r = new Result("completed", o.rows(), copy, gold, queryable, 0, pipelinePeak, campaignPeak);
            print(r, done);
            if (applied.at() < 0) {
                return r;
            }
            // after the end points are printed: a floor that fails or is interrupted loses none of them
            Result withFloor = new Result("completed", o.rows(), copy, gold, queryable,
                    floor(orgId, measured, from, to, applied.rows()), pipelinePeak, campaignPeak);
            printFloor(withFloor);
            return withFloor;
        } finally {
            pipelineHeap.close();
            campaignHeap.close();
        }
    }

    private static long size(List<Path> files) throws IOException {
        long total = 0;
        for (Path f : files) {
            total += Files.size(f);
        }
        return total;
    }

    /** A simulated DV360 account, connected by the organization; returns its id once pipeline-service knows it. */
    private String connectAccount(String orgId) throws Exception {
        String accounts = client.service("campaign", "/api/v1/organizations/" + orgId + "/dsp-accounts");
        Map<String, Object> body = Map.of("dspType", "dv360", "externalAccountId", "1000001", "displayName", "Ingest bench " + run,
                "credentials", Map.of("client_id", "clp-sim-client", "client_secret", "clp-sim-secret",
                        "refresh_token", "clp-sim-refresh-token"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        var r = client.untilMember("POST", accounts, body).response();
        if (r.statusCode() != 201) {
            throw new StackException("connecting the bench account failed: HTTP " + r.statusCode() + " " + r.body());
        }
        String accountId = BenchClient.JSON.readTree(r.body()).path("id").asText();
        try (Connection c = client.superuser(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pipeline.dsp_account_refs WHERE id = CAST(? AS uuid) AND is_active")) {
            ps.setString(1, accountId);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return accountId;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StackException("pipeline-service did not learn of the bench's DSP account within 60 s");
                }
                Thread.sleep(250);
            }
        }
    }

    /** Polls the execution until it ends (completed, failed or cancelled); returns it. */
    private JsonNode await(String url, Options o) throws Exception {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        long lastPrint = System.nanoTime();
        String token = client.login();
        long tokenAt = System.nanoTime();
        while (true) {
            if (System.nanoTime() - tokenAt > Duration.ofMinutes(2).toNanos()) {
                token = client.login();
                tokenAt = System.nanoTime();
            }
            JsonNode e = client.send("GET", url, token, null, 200);
            String status = e.path("status").asText();
            if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
                return e;
            }
            if (System.nanoTime() - lastPrint > Duration.ofSeconds(15).toNanos()) {
                lastPrint = System.nanoTime();
                out.println("    " + status + ": stages " + e.path("stages"));
            }
            if (System.nanoTime() > deadline) {
                throw new StackException("the execution did not end within " + o.timeout().toMinutes() + " minutes: " + e);
            }
            Thread.sleep(200);
        }
    }

    /**
     * Waits until campaign-service has applied every metrics batch the execution published: each batch id is in
     * campaign-service's inbox, written in the same transaction as the batch's rows. Gold publishes exactly the rows it
     * wrote, each stamped with the execution, in chunks of {@link MetricsBatch#MAX_ROWS}: their count gives the batches.
     * Returns the System.nanoTime() it saw them all (-1 when it stopped moving for two minutes or the timeout passed)
     * and the execution's gold rows.
     * The inbox is read by key: counting the execution's rows in campaign_metrics scanned the whole table five times a
     * second, and took a core from the services it measures.
     */
    record Applied(long at, long rows) {
    }

    private Applied awaitQueryable(String pipelineId, String executionId, Options o) throws Exception {
        long deadline = System.nanoTime() + o.timeout().toNanos();
        try (Connection c = client.superuser();
             PreparedStatement gold = c.prepareStatement("SELECT count(*) FROM pipeline.gold_daily_metrics "
                     + "WHERE pipeline_id = CAST(? AS uuid) AND execution_id = CAST(? AS uuid)");
             PreparedStatement inbox = c.prepareStatement("SELECT count(*) FROM campaign.processed_event "
                     + "WHERE consumer = '" + METRICS_INBOX + "' AND event_id = ANY (?)")) {
            gold.setString(1, pipelineId);
            gold.setString(2, executionId);
            long rows = count(gold);
            int batches = (int) ((rows + MetricsBatch.MAX_ROWS - 1) / MetricsBatch.MAX_ROWS);
            UUID id = UUID.fromString(executionId);
            UUID[] ids = new UUID[batches];
            for (int chunk = 0; chunk < batches; chunk++) {
                ids[chunk] = MetricsBatch.batchIdOf(id, chunk);
            }
            inbox.setArray(1, c.createArrayOf("uuid", ids));
            return new Applied(APPLIED.await(batches, deadline, () -> count(inbox), out), rows);
        }
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The files by COPY (csv, header) into a bare table, as a user would load them; rows/s. The table is dropped after. */
    private double anchor(List<Path> files, long rows) throws Exception {
        String table = "public.ingest_bench_" + run;
        try (Connection c = client.superuser()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + table + " (date date, campaign_name text, strategy_name text, placement_name text, "
                        + "creative_name text, impressions bigint, clicks bigint, ctr numeric, conversions bigint, "
                        + "conversion_revenue numeric)");
            }
            try {
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                long loaded = 0;
                long start = System.nanoTime();
                for (Path f : files) {
                    try (InputStream in = Files.newInputStream(f)) {
                        loaded += copy.copyIn("COPY " + table + " FROM STDIN (FORMAT csv, HEADER)", in, 1 << 16);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (loaded != rows) {
                    throw new StackException("the anchor's COPY loaded " + loaded + " rows of " + rows);
                }
                return rows / seconds;
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
    }

    /** Concurrent writers the floor tries besides one: the machine's cores. */
    static final int FLOOR_WRITERS = Math.min(8, Math.max(2, Runtime.getRuntime().availableProcessors()));
    /** How long one statement of the floor may run. */
    static final String FLOOR_STATEMENT_TIMEOUT = "15min";

    /**
     * The floor of metrics queryable: the measured execution's rows as campaign-service holds them, written into an
     * empty table shaped like {@code campaign.campaign_metrics} as it is (its columns, checks, primary key and
     * indexes, partitioned by month: a live table whose indexes are kept as rows arrive), in key order, by {@code
     * INSERT ... SELECT} from unlogged copies made beforehand (not timed): once by one writer, once by {@link
     * #FLOOR_WRITERS} concurrent writers over as many shares of the rows; the faster counts. A restatement of
     * recorded rows costs more. The tables are dropped after. Returns the seconds of the faster write, or 0 when the
     * floor could not be measured (said why; the end points measured before stand).
     */
    private double floor(String orgId, String executionId, LocalDate from, LocalDate to, long goldRows) {
        String table = "public.ingest_bench_floor_" + run;
        List<String> sources = new ArrayList<>();
        for (int i = 0; i <= FLOOR_WRITERS; i++) {
            sources.add("public.ingest_bench_floor_rows_" + run + "_" + i);
        }
        try (Connection c = floorConnection(); Statement st = c.createStatement()) {
            try {
                // the organization and the window: its index and partition pruning, not a scan of every bench's rows
                try (PreparedStatement ps = c.prepareStatement("CREATE UNLOGGED TABLE " + sources.getFirst() + " AS "
                        + "SELECT * FROM campaign.campaign_metrics WHERE org_id = CAST(? AS uuid) AND metric_date BETWEEN ? "
                        + "AND ? AND execution_id = CAST(? AS uuid) ORDER BY entity_level, entity_id, metric_date")) {
                    ps.setString(1, orgId);
                    ps.setObject(2, from);
                    ps.setObject(3, to);
                    ps.setString(4, executionId);
                    ps.execute();
                }
                for (int i = 1; i <= FLOOR_WRITERS; i++) {
                    st.execute("CREATE UNLOGGED TABLE " + sources.get(i) + " AS SELECT * FROM " + sources.getFirst()
                            + " WHERE (hashtext(entity_id::text) & 2147483647) % " + FLOOR_WRITERS + " = " + (i - 1)
                            + " ORDER BY entity_level, entity_id, metric_date");
                }
                st.execute("CREATE TABLE " + table + " (LIKE campaign.campaign_metrics INCLUDING DEFAULTS "
                        + "INCLUDING CONSTRAINTS INCLUDING INDEXES) PARTITION BY RANGE (metric_date)");
                for (LocalDate month = from.withDayOfMonth(1); !month.isAfter(to); month = month.plusMonths(1)) {
                    st.execute("CREATE TABLE " + table + "_" + month.getYear() + "_" + month.getMonthValue()
                            + " PARTITION OF " + table + " FOR VALUES FROM ('" + month + "') TO ('" + month.plusMonths(1) + "')");
                }
                long start = System.nanoTime();
                long written = st.executeLargeUpdate("INSERT INTO " + table + " SELECT * FROM " + sources.getFirst());
                double one = (System.nanoTime() - start) / 1e9;
                if (written != goldRows || written == 0) {
                    out.printf(Locale.ROOT, "  floor not measured: campaign-service holds %,d of the execution's %,d gold rows%n",
                            written, goldRows);
                    return 0;
                }
                out.printf(Locale.ROOT, "  floor: the execution's %,d metrics rows written once into an empty table shaped like "
                        + "campaign_metrics: %.1f s by one writer%n", written, one);
                try {
                    st.execute("TRUNCATE " + table);
                    double many = concurrently(sources.subList(1, sources.size()), table);
                    out.printf(Locale.ROOT, "  floor: the same rows by %d writers at once: %.1f s%n", FLOOR_WRITERS, many);
                    return Math.min(one, many);
                } catch (Exception e) {
                    out.println("  floor: the rows by " + FLOOR_WRITERS + " writers at once not measured: " + e.getMessage());
                    return one;
                }
            } finally {
                try {
                    st.execute("DROP TABLE IF EXISTS " + table + ", " + String.join(", ", sources));
                } catch (SQLException e) {
                    out.println("  floor: its tables could not be dropped (" + e.getMessage() + "): drop " + table + " and "
                            + String.join(", ", sources) + " by hand");
                }
            }
        } catch (Exception e) {
            out.println("  floor not measured: " + e.getMessage());
            return 0;
        }
    }

    /** A superuser connection whose statements run at most {@link #FLOOR_STATEMENT_TIMEOUT}. */
    private Connection floorConnection() throws SQLException {
        Connection c = client.superuser();
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = '" + FLOOR_STATEMENT_TIMEOUT + "'");
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Each source's rows into {@code table} on a connection of its own, all at once; the seconds until all committed. */
    private double concurrently(List<String> sources, String table) throws Exception {
        List<Connection> connections = new ArrayList<>();
        try (ExecutorService writers = Executors.newFixedThreadPool(sources.size())) {
            for (int i = 0; i < sources.size(); i++) {
                connections.add(floorConnection());
            }
            List<Future<Long>> writes = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < sources.size(); i++) {
                Connection c = connections.get(i);
                String sql = "INSERT INTO " + table + " SELECT * FROM " + sources.get(i);
                writes.add(writers.submit(() -> {
                    try (Statement st = c.createStatement()) {
                        return st.executeLargeUpdate(sql);
                    }
                }));
            }
            for (Future<Long> write : writes) {
                try {
                    write.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private void print(Result r, JsonNode e) {
        JsonNode s = e.path("stages");
        out.printf(Locale.ROOT, """
                  execution %s: %s; stages: bronze %.1f s (%,d records), silver %.1f s (%,d records), gold %.1f s (%,d records)
                  anchor:            COPY into a bare table          %,10.0f rows/s
                  gold committed:    pipeline-service, %6.1f s        %,10.0f rows/s  %.2f of COPY (goal >= %.2f) %s
                  metrics queryable: campaign-service, %s
                  peak heap (sampled every 200 ms, -Xmx192m): pipeline-service %s, campaign-service %s
                """, e.path("id").asText(), e.path("status").asText(),
                ms(s.path("bronze")), s.path("bronze").path("records").asLong(), ms(s.path("silver")),
                s.path("silver").path("records").asLong(), ms(s.path("gold")), s.path("gold").path("records").asLong(),
                r.copyPerSecond(),
                r.goldSeconds(), r.goldPerSecond(), r.goldRatio(), GOAL_GOLD, r.goldRatio() >= GOAL_GOLD ? "PASS" : "MISS",
                r.queryableSeconds() > 0 ? String.format(Locale.ROOT, "%6.1f s        %,10.0f rows/s  %.2f of COPY (goal >= %.2f) %s",
                        r.queryableSeconds(), r.queryablePerSecond(), r.queryableRatio(), GOAL_QUERYABLE,
                        r.queryableRatio() >= GOAL_QUERYABLE ? "PASS" : "MISS")
                        : String.format(Locale.ROOT, "not reached (goal >= %.2f of COPY) MISS", GOAL_QUERYABLE),
                mb(r.pipelineHeap()), mb(r.campaignHeap()));
    }

    private void printFloor(Result r) {
        out.println(r.floorSeconds() > 0 ? String.format(Locale.ROOT, "  floor:             the metrics rows' write alone   "
                + "%6.1f s        %,10.0f rows/s  %.2f of COPY: queryable can be no better on this machine with "
                + "campaign_metrics as it is", r.floorSeconds(), r.rows() / r.floorSeconds(), r.floorRatio())
                : "  floor:             not measured");
    }

    private static double ms(JsonNode stage) {
        return stage.path("durationMs").asLong() / 1000.0;
    }

    private static String mb(long bytes) {
        return bytes <= 0 ? "not sampled" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
    }

    /** The peak heap used by a service, from {@code jstat -gc <pid> 200} (survivors, eden and old generation used). */
    static final class HeapSampler implements AutoCloseable {

        private final Process process;
        private final AtomicLong peak = new AtomicLong();

        private HeapSampler(Process process) {
            this.process = process;
            Thread reader = new Thread(this::read, "heap-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        static HeapSampler start(StackContext ctx, String component) throws IOException {
            long pid = ManagedProcess.running(ctx.layout().pidFile(component))
                    .orElseThrow(() -> new StackException(component + " is not running")).pid();
            return new HeapSampler(new ProcessBuilder(ctx.javaHome().resolve("bin/jstat").toString(), "-gc",
                    Long.toString(pid), "200").redirectErrorStream(true).start());
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String[] header = null;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 0 && f[0].equals("S0C")) {
                        header = f;
                        continue;
                    }
                    if (header != null && f.length == header.length) {
                        peak.accumulateAndGet(heapUsed(header, f), Math::max);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the sampler ends with the run; what it saw stays
            }
        }

        /** Bytes of heap in use in one {@code jstat -gc} line (its figures are KB). */
        static long heapUsed(String[] header, String[] values) {
            double kb = 0;
            for (int i = 0; i < header.length; i++) {
                if (List.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
                    kb += Double.parseDouble(values[i]);
                }
            }
            return (long) (kb * 1024);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
