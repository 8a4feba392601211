package io.clp.pipeline.run.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.clp.pipeline.PipelineFixtures;
import io.clp.pipeline.quality.QualityContext;
import io.clp.pipeline.quality.QualityOutcome;
import io.clp.pipeline.quality.SqlQualityChecks;
import io.clp.pipeline.run.RunContext;
import io.clp.pipeline.source.DirectorySource;
import io.clp.platform.outbox.JdbcOutbox;
import io.clp.platform.tx.JdbcScope;
import io.clp.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opt-in measurement ({@code -Dclp.bench.ingest.rows=1000000}): a seed-004 file of N rows (a month of days, the rest
 * creatives) loaded by a raw COPY into a bare table, then through the data path (bronze, silver, gold committed with
 * its metrics batches); prints rows per second of both, their ratio and the peak heap. Not a test of speed: nothing
 * is asserted about time.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
@EnabledIfSystemProperty(named = "clp.bench.ingest.rows", matches = "\\d+")
class DataPathThroughput {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    SqlQualityChecks quality;

    @Inject
    JdbcOutbox outbox;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "clp.pipelines.files.root")
    Path filesRoot;

    @ConfigProperty(name = "clp.pipelines.bronze.dir")
    Path bronzeDir;

    @Test
    void measure() throws Exception {
        int rows = Integer.getInteger("clp.bench.ingest.rows");
        int days = 30;
        LocalDate first = LocalDate.of(2026, 10, 1);
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        Path file = filesRoot.resolve(org.toString()).resolve("bench").resolve("media_" + first + ".csv");
        Files.createDirectories(file.getParent());
        int creatives = (rows + days - 1) / days;
        write(file, rows, creatives, first, 0);
        System.out.printf("file: %,d rows, %,d bytes, %,d creatives%n", rows, Files.size(file), creatives);

        long rawNanos;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS pipeline.bench_raw_copy (date date, campaign_name text, strategy_name text, "
                    + "placement_name text, creative_name text, impressions bigint, clicks bigint, ctr numeric(12,6), "
                    + "conversions bigint, conversion_revenue numeric(12,2))");
            st.execute("TRUNCATE pipeline.bench_raw_copy");
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY pipeline.bench_raw_copy FROM STDIN (FORMAT csv, HEADER true)", in);
            }
            rawNanos = System.nanoTime() - t0;
            st.execute("DROP TABLE pipeline.bench_raw_copy");
        }

        UUID execution = PipelineFixtures.execution(pipeline, "scheduled", "running");
        JsonNode config = json.valueToTree(Map.of("hierarchy", List.of("campaign_name", "strategy_name", "placement_name", "creative_name"),
                "source", Map.of("kind", "directory", "path", "bench"), "unknownEntities", "reject"));
        RunContext context = new RunContext(org, pipeline, execution, null, config, first, first.plusDays(days - 1), 1,
                (stage, n) -> { }, () -> { });
        DataPath path = new DataPath(dataSource, new DataPath.Settings("pipeline", bronzeDir, 500_000, "256MB"),
                kind -> new DirectorySource(filesRoot), new DataPathTest.NamesResolver(), null, outbox);
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        long b = path.bronze(context).records();
        long t1 = System.nanoTime();
        long s = path.silver(context).records();
        long t2 = System.nanoTime();
        long g = path.gold(context).records();
        long t3 = System.nanoTime();
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        // the data-quality checks on the same silver rows, as if their window were the next 30 days: the gold just
        // written is then every entity's 28-day history (the anomaly checks' worst case); rolled back
        long qualityNanos;
        QualityOutcome outcome;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            JdbcScope.organization(c, org);
            JsonNode qualityConfig = json.valueToTree(Map.of("quality", Map.of("names", Map.of("patterns",
                    Map.of("campaign", "^Camp [0-9]+$", "creative", "^Creative [0-9]+$")))));
            QualityContext qc = new QualityContext(org, pipeline, execution, path.silverTable(execution), null, List.of(),
                    rows, 0, first.plusDays(days), first.plusDays(2L * days - 1), null, qualityConfig);
            long q0 = System.nanoTime();
            outcome = quality.check(c, qc);
            qualityNanos = System.nanoTime() - q0;
            c.rollback();
        }
        path.cleanUp(context);

        // the same file with new numbers for every row: a restatement, what a lookback window re-reads
        write(file, rows, creatives, first, 1);
        UUID restatement = PipelineFixtures.execution(pipeline, "scheduled", "running");
        RunContext again = new RunContext(org, pipeline, restatement, null, config, first, first.plusDays(days - 1), 1,
                (stage, n) -> { }, () -> { });
        long r0 = System.nanoTime();
        path.bronze(again);
        path.silver(again);
        long r1 = System.nanoTime();
        long restated = path.gold(again).records();
        long r2 = System.nanoTime();
        path.cleanUp(again);
        System.out.printf(Locale.ROOT, "restatement: bronze+silver %.2f s, gold %.2f s (%d rows restated and published)%n",
                (r1 - r0) / 1e9, (r2 - r1) / 1e9, restated);

        double raw = rows / (rawNanos / 1e9);
        double dataPath = rows / ((t3 - t0) / 1e9);
        System.out.printf(Locale.ROOT, "raw COPY: %.2f s, %,.0f rows/s%n", rawNanos / 1e9, raw);
        System.out.printf(Locale.ROOT, "data path: bronze+silver load %.2f s (%d rows), resolve/dedup %.2f s (%d rows), "
                + "gold+outbox %.2f s (%d gold rows); total %.2f s, %,.0f rows/s; ratio %.2f; peak heap %d MB%n",
                (t1 - t0) / 1e9, b, (t2 - t1) / 1e9, s, (t3 - t2) / 1e9, g, (t3 - t0) / 1e9, dataPath, dataPath / raw,
                peak >> 20);
        System.out.printf(Locale.ROOT, "quality checks: %.2f s (%,.0f rows/s), score %s%n", qualityNanos / 1e9,
                rows / (qualityNanos / 1e9), outcome.score());
        assertThat(s).isEqualTo(rows);
    }

    /** Row i is creative i % creatives on day i / creatives; {@code more} impressions on every row restate the file. */
    private static void write(Path file, int rows, int creatives, LocalDate first, int more) throws java.io.IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write(DataPathTest.HEADER);
            out.write('\n');
            for (int i = 0; i < rows; i++) {
                out.write(DataPathTest.row(first.plusDays(i / creatives), i % creatives, 1_000 + more + (i % 977), i % 53));
                out.write('\n');
            }
        }
    }
}
