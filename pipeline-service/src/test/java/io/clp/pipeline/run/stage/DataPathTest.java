package io.clp.pipeline.run.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.clp.events.pipeline.MetricsBatch;
import io.clp.pipeline.PipelineFixtures;
import io.clp.pipeline.campaigns.EntityKey;
import io.clp.pipeline.campaigns.EntityResolver;
import io.clp.pipeline.campaigns.ResolvedEntity;
import io.clp.pipeline.run.RunContext;
import io.clp.pipeline.source.DirectorySource;
import io.clp.pipeline.source.SourceRefusedException;
import io.clp.pipeline.source.SourceRequest;
import io.clp.platform.outbox.JdbcOutbox;
import io.clp.testing.Emitted;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bulk data path against the real database: bronze byte for byte, silver's typing, validation, rejects with
 * reasons and de-duplication, gold's restatements, and the MetricsBatch events gold publishes through the outbox.
 * Entities are resolved by a resolver of the test's own, handed to the data path directly (campaign-service's real
 * one answers over HTTP).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class DataPathTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 1);
    static final String HEADER = "date,campaign_name,strategy_name,placement_name,creative_name,impressions,clicks,ctr,conversions,conversion_revenue";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    JdbcOutbox outbox;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "clp.pipelines.files.root")
    Path filesRoot;

    @ConfigProperty(name = "clp.pipelines.bronze.dir")
    Path bronzeDir;

    /** Names starting with "Unknown" match nothing; every other name resolves to a stable id per path. */
    static final class NamesResolver implements EntityResolver {
        final List<Integer> pageSizes = new ArrayList<>();
        /** Transactions left open in the database while campaign-service was asked (one per call). */
        final List<Long> openTransactions = new ArrayList<>();

        @Override
        public List<ResolvedEntity> resolve(UUID organizationId, UUID dspAccountId, List<EntityKey> keys, boolean createUnknown) {
            pageSizes.add(keys.size());
            openTransactions.add(TestDatabase.count("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
            return keys.stream().map(key -> {
                EntityKey.ByNames n = (EntityKey.ByNames) key;
                if (n.campaign().startsWith("Unknown") && !createUnknown) {
                    return null;
                }
                UUID c = id("c", n.campaign());
                UUID io = n.insertionOrder() == null ? null : id("io", n.campaign(), n.insertionOrder());
                UUID li = n.lineItem() == null ? null : id("li", n.campaign(), n.insertionOrder(), n.lineItem());
                UUID cr = n.creative() == null ? null : id("cr", n.campaign(), n.insertionOrder(), n.lineItem(), n.creative());
                return new ResolvedEntity(c, io, li, cr, "EUR");
            }).toList();
        }

        static UUID id(String... parts) {
            return UUID.nameUUIDFromBytes(String.join("/", parts).getBytes(StandardCharsets.UTF_8));
        }
    }

    record Run(UUID org, UUID pipeline, UUID execution, RunContext context) {
    }

    DataPath dataPath(EntityResolver resolver) {
        return new DataPath(dataSource, new DataPath.Settings("pipeline", bronzeDir, 100_000, "64MB"),
                kind -> kind.equals("directory") ? new DirectorySource(filesRoot) : null, resolver, null, outbox);
    }

    Run run(UUID org, UUID pipeline, String path, String unknownEntities) {
        UUID execution = PipelineFixtures.execution(pipeline, "scheduled", "running");
        JsonNode config = json.valueToTree(Map.of("hierarchy", List.of("campaign_name", "strategy_name", "placement_name", "creative_name"),
                "source", Map.of("kind", "directory", "path", path), "filenamePattern", "*.csv", "unknownEntities", unknownEntities));
        RunContext context = new RunContext(org, pipeline, execution, null, config, DAY, DAY.plusDays(1), 1,
                (stage, rows) -> { }, () -> { });
        return new Run(org, pipeline, execution, context);
    }

    Path drop(UUID org, String dir, String name, String content) throws IOException {
        Path file = filesRoot.resolve(org.toString()).resolve(dir).resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    static String row(LocalDate day, int i, long impressions, long clicks) {
        return day + ",Camp " + (i % 5) + ",Strategy " + (i % 20) + ",Placement " + (i % 100) + ",Creative " + i + ","
                + impressions + "," + clicks + "," + String.format("%.6f", impressions == 0 ? 0 : (double) clicks / impressions)
                + "," + (i % 3) + "," + (i % 7) + ".25";
    }

    @Test
    void aFileWithOnePercentBadRowsLandsItsGoodRowsAndRefusesTheBadOnesWithReasons() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        StringBuilder file = new StringBuilder(HEADER).append('\n');
        List<String> expectedReasons = List.of("impressions is negative", "date is not a date", "clicks exceed impressions",
                "longer than 255 characters", "wrong field count", "clicks is not a non-negative integer",
                "disagrees with clicks / impressions", "outside the execution's window", "campaign_name is missing",
                "conversion_revenue is not a decimal number");
        long goodImpressions = 0;
        for (int i = 0; i < 2_000; i++) {
            if (i % 100 == 99) {
                int kind = (i / 100) % expectedReasons.size();
                file.append(switch (kind) {
                    case 0 -> DAY + ",Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",-5,1,0.1,0,0";
                    case 1 -> "2026-13-45,Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",5,1,0.2,0,0";
                    case 2 -> DAY + ",Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",5,6,1.2,0,0";
                    case 3 -> DAY + ",Camp 1,Strategy 1,Placement 1," + "x".repeat(300) + ",5,1,0.2,0,0";
                    case 4 -> DAY + ",Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",5,1";
                    case 5 -> DAY + ",Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",5,one,0.2,0,0";
                    case 6 -> DAY + ",Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",100,1,0.5,0,0";
                    case 7 -> "2026-10-01,Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",5,1,0.2,0,0";
                    case 8 -> DAY + ",,Strategy 1,Placement 1,Creative bad" + i + ",5,1,0.2,0,0";
                    default -> DAY + ",Camp 1,Strategy 1,Placement 1,Creative bad" + i + ",5,1,0.2,0,12.5x";
                }).append('\n');
            } else {
                long impressions = 1_000 + i;
                goodImpressions += impressions;
                file.append(row(DAY, i, impressions, i % 50)).append('\n');
            }
        }
        Path source = drop(org, "drops", "media_" + DAY + ".csv", file.toString());
        drop(org, "drops", "media_2026-10-01.csv", HEADER + "\n"); // outside the window: not read
        drop(org, "drops", "notes.csv", HEADER + "\n"); // no date in its name: not read
        Run run = run(org, pipeline, "drops", "reject");
        NamesResolver resolver = new NamesResolver();
        DataPath path = dataPath(resolver);

        var bronze = path.bronze(run.context());
        assertThat(bronze.records()).isEqualTo(2_000);
        assertThat(bronze.bytes()).isEqualTo(Files.size(source));
        String attempt = TestDatabase.text("SELECT bronze_attempt::text FROM pipeline.ingestion_runs WHERE execution_id = ?",
                run.execution());
        Path executionDir = bronzeDir.resolve(org.toString()).resolve(run.execution().toString());
        Path stored = executionDir.resolve(attempt).resolve("1.csv");
        assertThat(Files.readAllBytes(stored)).as("bronze keeps the bytes as received").isEqualTo(Files.readAllBytes(source));

        // bronze run again (a retry, or the executor that took the execution over) writes a directory of its own; the
        // attempt that committed is the execution's bronze, and what the other left goes
        path.bronze(run.context());
        String again = TestDatabase.text("SELECT bronze_attempt::text FROM pipeline.ingestion_runs WHERE execution_id = ?",
                run.execution());
        assertThat(again).isNotEqualTo(attempt);
        try (var entries = Files.list(executionDir)) {
            assertThat(entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList()).containsExactly(again);
        }
        assertThat(Files.readAllBytes(executionDir.resolve(again).resolve("1.csv"))).isEqualTo(Files.readAllBytes(source));
        assertThat(TestDatabase.text("SELECT sha256 FROM pipeline.ingestion_logs WHERE execution_id = ?", run.execution()))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source))));
        assertThat(TestDatabase.text("SELECT file_name FROM pipeline.ingestion_logs WHERE execution_id = ?", run.execution()))
                .isEqualTo("drops/media_2026-11-01.csv");

        var silver = path.silver(run.context());
        assertThat(silver.records()).isEqualTo(1_980);
        assertThat(silver.filtered()).isEqualTo(20);
        assertThat(resolver.pageSizes).allMatch(n -> n <= EntityResolver.MAX_KEYS).hasSize(2);
        assertThat(resolver.openTransactions).as("no transaction waits on campaign-service's answer").containsOnly(0L);
        assertThat(TestDatabase.count("SELECT records_loaded FROM pipeline.ingestion_logs WHERE execution_id = ?", run.execution()))
                .isEqualTo(1_980);
        assertThat(TestDatabase.count("SELECT records_loaded + records_failed FROM pipeline.ingestion_logs WHERE execution_id = ?",
                run.execution())).as("loaded + failed = rows in the file").isEqualTo(2_000);
        String reasons = TestDatabase.text("SELECT string_agg(reasons, ' | ' ORDER BY line_no) FROM pipeline.ingestion_rejects "
                + "WHERE execution_id = ?", run.execution());
        assertThat(reasons).contains(expectedReasons);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.ingestion_rejects WHERE execution_id = ? AND line_no = 101 "
                + "AND raw_line LIKE '2026-11-01,Camp 1,Strategy 1,Placement 1,Creative bad99,-5,%'", run.execution())).isEqualTo(1);

        EmittedEvents.Mark mark = EmittedEvents.mark();
        var gold = path.gold(run.context());
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.gold_daily_metrics WHERE execution_id = ? AND level = 'creative'",
                run.execution())).isEqualTo(1_980);
        assertThat(TestDatabase.count("SELECT sum(impressions) FROM pipeline.gold_daily_metrics WHERE execution_id = ? "
                + "AND level = 'campaign'", run.execution())).as("campaigns roll up every good row").isEqualTo(goodImpressions);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.gold_daily_metrics WHERE execution_id = ? "
                + "AND level = 'line_item'", run.execution())).as("placement 99's rows are all bad ones").isEqualTo(99);
        assertThat(gold.records()).isEqualTo(1_980 + 99 + 20 + 5);

        Emitted batches = EmittedEvents.since(mark).inOrganization(org).ofType(MetricsBatch.TYPE);
        assertThat(batches.events()).hasSize(2);
        long rows = 0;
        List<String> order = new ArrayList<>();
        for (EmittedEvent event : batches.events().stream().sorted(java.util.Comparator.comparing(
                (EmittedEvent e) -> e.payload().get("chunk").asInt())).toList()) {
            MetricsBatch batch = json.treeToValue(event.payload(), MetricsBatch.class);
            assertThat(event.payload()).as("the payload is exactly the MetricsBatch JSON, nulls included")
                    .isEqualTo(json.readTree(json.writeValueAsString(batch)));
            batch.rows().forEach(r -> order.add(r.level() + "/" + r.entityId() + "/" + r.date()));
            event.hasHeaders("pipeline", "metrics-batches/" + batch.batchId(), org, "system:pipeline");
            assertThat(batch.batchId()).isEqualTo(MetricsBatch.batchIdOf(run.execution(), batch.chunk()));
            assertThat(event.aggregateId()).isEqualTo(batch.batchId().toString());
            assertThat(batch.rows()).hasSizeLessThanOrEqualTo(MetricsBatch.MAX_ROWS);
            assertThat(batch.extractedAt()).isNotNull();
            assertThat(batch.executionId()).isEqualTo(run.execution());
            assertThat(batch.pipelineId()).isEqualTo(pipeline);
            assertThat(batch.rows()).allSatisfy(r -> {
                assertThat(MetricsBatch.LEVELS).contains(r.level());
                assertThat(r.date()).isEqualTo(DAY);
                assertThat(r.currency()).isEqualTo("EUR");
            });
            rows += batch.rows().size();
        }
        assertThat(rows).isEqualTo(gold.records());
        assertThat(order).as("each level, entity and day is published once").doesNotHaveDuplicates();

        path.cleanUp(run.context());
        assertThat(TestDatabase.text("SELECT to_regclass(?)::text", path.silverTable(run.execution()))).isNull();
    }

    @Test
    void goldRowsAreVisibleAndWritableInTheirOrganizationOnly() throws Exception {
        UUID orgA = PipelineFixtures.organization();
        UUID orgB = PipelineFixtures.organization();
        UUID pipelineA = PipelineFixtures.manual(orgA, "active");
        UUID entity = UUID.randomUUID();
        String insert = "INSERT INTO pipeline.gold_blocks (pipeline_id, level, entity_ids, metric_date, org_id, execution_ids, "
                + "extracted_at, impressions, clicks, conversions, views, spend, currency, revenue) VALUES (?, 'campaign', "
                + "ARRAY[CAST(? AS uuid)], ?, ?, ARRAY[CAST(? AS uuid)], ARRAY[now()], '{7}', '{0}', '{0}', '{0}', '{0}', "
                + "'{USD}', '{0}')";
        try (Connection a = dataSource.getConnection()) {
            a.setAutoCommit(false);
            io.clp.platform.tx.JdbcScope.organization(a, orgA);
            assertThat(update(a, insert, pipelineA, entity, java.sql.Date.valueOf(DAY), orgA, UUID.randomUUID())).isEqualTo(1);
            a.commit();
        }
        try (Connection b = dataSource.getConnection()) {
            b.setAutoCommit(false);
            io.clp.platform.tx.JdbcScope.organization(b, orgB);
            assertThat(scalarOf(b, "SELECT count(*) FROM pipeline.gold_daily_metrics WHERE pipeline_id = ?", pipelineA))
                    .as("another organization reads none of them").isZero();
            assertThat(update(b, "UPDATE pipeline.gold_blocks SET impressions = '{0}' WHERE pipeline_id = ?", pipelineA))
                    .as("nor changes them").isZero();
            assertThat(update(b, "DELETE FROM pipeline.gold_blocks WHERE pipeline_id = ?", pipelineA)).isZero();
            b.commit();
            assertThatThrownBy(() -> update(b, insert, pipelineA, UUID.randomUUID(), java.sql.Date.valueOf(DAY), orgA,
                    UUID.randomUUID())).as("nor writes rows of the other organization")
                    .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("row-level security");
            b.rollback();
        }
        try (Connection a = dataSource.getConnection()) {
            a.setAutoCommit(false);
            io.clp.platform.tx.JdbcScope.organization(a, orgA);
            assertThat(scalarOf(a, "SELECT sum(impressions) FROM pipeline.gold_daily_metrics WHERE pipeline_id = ?", pipelineA))
                    .isEqualTo(7);
            assertThatThrownBy(() -> update(a, "UPDATE pipeline.gold_blocks SET org_id = ? WHERE pipeline_id = ?",
                    orgB, pipelineA)).as("its own rows cannot be moved to another organization")
                    .isInstanceOf(java.sql.SQLException.class).hasMessageContaining("row-level security");
            a.rollback();
        }
        try (Connection none = dataSource.getConnection()) {
            none.setAutoCommit(false);
            assertThat(scalarOf(none, "SELECT count(*) FROM pipeline.gold_daily_metrics WHERE pipeline_id = ?", pipelineA))
                    .as("a transaction without a scope reads nothing").isZero();
            none.rollback();
        }
    }

    private static int update(Connection c, String sql, Object... args) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static long scalarOf(Connection c, String sql, Object... args) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void theSameDayDeliveredTwiceWithNewNumbersLeavesOneRowPerEntityWithTheNewNumbers() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        DataPath path = dataPath(new NamesResolver());
        drop(org, "in", "media_20261101.csv", HEADER + "\n" + row(DAY, 1, 100, 10) + "\n" + row(DAY, 2, 200, 20) + "\n"
                + row(DAY, 3, 300, 30) + "\n");
        Run first = run(org, pipeline, "in", "reject");
        path.bronze(first.context());
        path.silver(first.context());
        path.gold(first.context());

        drop(org, "in", "media_20261101.csv", HEADER + "\n" + row(DAY, 1, 110, 11) + "\n" + row(DAY, 2, 220, 22) + "\n");
        Run second = run(org, pipeline, "in", "reject");
        EmittedEvents.Mark mark = EmittedEvents.mark();
        path.bronze(second.context());
        path.silver(second.context());
        path.gold(second.context());

        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.gold_daily_metrics WHERE pipeline_id = ? AND level = 'creative'",
                pipeline)).as("one row per entity and day").isEqualTo(3);
        assertThat(TestDatabase.text("SELECT string_agg(impressions || '/' || clicks, ',' ORDER BY impressions) FROM "
                + "pipeline.gold_daily_metrics WHERE pipeline_id = ? AND level = 'creative'", pipeline))
                .as("the new numbers; the creative the new delivery no longer has is restated to zero").isEqualTo("0/0,110/11,220/22");
        assertThat(TestDatabase.count("SELECT sum(impressions) FROM pipeline.gold_daily_metrics WHERE pipeline_id = ? "
                + "AND level = 'campaign'", pipeline)).as("never double counted").isEqualTo(330);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.gold_daily_metrics WHERE pipeline_id = ? AND execution_id <> ?",
                pipeline, second.execution())).isZero();
        List<MetricsBatch.Row> published = new ArrayList<>();
        for (EmittedEvent event : EmittedEvents.since(mark).inOrganization(org).ofType(MetricsBatch.TYPE).events()) {
            published.addAll(json.treeToValue(event.payload(), MetricsBatch.class).rows());
        }
        assertThat(published.stream().filter(r -> r.level().equals("creative")).map(MetricsBatch.Row::impressions).sorted().toList())
                .as("the restatement reaches campaign-service, the vanished creative as zero").containsExactly(0L, 110L, 220L);
    }

    @Test
    void aDeliveryThatReadItsSourceEarlierLeavesTheDaysOfALaterOneAloneAndUnchangedNumbersAreNotPublishedAgain()
            throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        DataPath path = dataPath(new NamesResolver());
        drop(org, "early", "media_20261101.csv", HEADER + "\n" + row(DAY, 1, 100, 10) + "\n");
        drop(org, "early", "media_20261102.csv", HEADER + "\n" + row(DAY.plusDays(1), 1, 500, 50) + "\n");
        drop(org, "late", "media_20261101.csv", HEADER + "\n" + row(DAY, 1, 110, 11) + "\n");
        Run early = run(org, pipeline, "early", "reject");
        path.bronze(early.context());
        Thread.sleep(5);
        Run late = run(org, pipeline, "late", "reject");
        path.bronze(late.context());
        path.silver(late.context());
        path.gold(late.context());

        // the slower run that read its source first commits last: the day the later run delivered stays the later run's
        EmittedEvents.Mark mark = EmittedEvents.mark();
        path.silver(early.context());
        var gold = path.gold(early.context());
        String creatives = "SELECT string_agg(metric_date || '=' || impressions, ',' ORDER BY metric_date) FROM "
                + "pipeline.gold_daily_metrics WHERE pipeline_id = ? AND level = 'creative'";
        assertThat(TestDatabase.text(creatives, pipeline)).isEqualTo(DAY + "=110," + DAY.plusDays(1) + "=500");
        assertThat(gold.details()).containsEntry("rowsLeftToNewerDeliveries", 4L).containsEntry("rowsInserted", 4L)
                .containsEntry("tablesUpdated", List.of("gold_blocks"));
        assertThat(published(EmittedEvents.since(mark), org)).extracting(MetricsBatch.Row::date).containsOnly(DAY.plusDays(1));
        assertThat(TestDatabase.text("SELECT string_agg(metric_date || '=' || execution_id, ',' ORDER BY metric_date) FROM "
                + "pipeline.gold_days WHERE pipeline_id = ?", pipeline))
                .isEqualTo(DAY + "=" + late.execution() + "," + DAY.plusDays(1) + "=" + early.execution());

        // the same numbers again: the day takes the newest version, nothing is rewritten or published
        Run again = run(org, pipeline, "late", "reject");
        mark = EmittedEvents.mark();
        path.bronze(again.context());
        path.silver(again.context());
        gold = path.gold(again.context());
        assertThat(gold.records()).isZero();
        assertThat(gold.details()).containsEntry("rowsUnchanged", 4L).containsEntry("batches", 0)
                .containsEntry("tablesUpdated", List.of());
        assertThat(published(EmittedEvents.since(mark), org)).isEmpty();
        assertThat(TestDatabase.text("SELECT execution_id::text FROM pipeline.gold_days WHERE pipeline_id = ? AND metric_date = ?",
                pipeline, DAY)).isEqualTo(again.execution().toString());
        assertThat(TestDatabase.text(creatives, pipeline)).isEqualTo(DAY + "=110," + DAY.plusDays(1) + "=500");

        // the same numbers with another data-quality outcome: campaign-service keeps the outcome on every row, so the
        // whole day is published again
        Run flagged = run(org, pipeline, "late", "reject");
        path.bronze(flagged.context());
        path.silver(flagged.context());
        TestDatabase.execute("UPDATE pipeline.ingestion_runs SET quality_score = 50, has_data_issues = true WHERE execution_id = ?",
                flagged.execution());
        mark = EmittedEvents.mark();
        gold = path.gold(flagged.context());
        assertThat(gold.details()).containsEntry("rowsRestated", 4L);
        assertThat(published(EmittedEvents.since(mark), org)).hasSize(4).extracting(MetricsBatch.Row::date).containsOnly(DAY);
        assertThat(EmittedEvents.since(mark).inOrganization(org).ofType(MetricsBatch.TYPE).events())
                .allSatisfy(e -> assertThat(e.payload().path("dataQualityScore").asText()).isEqualTo("50.00"));
    }

    private List<MetricsBatch.Row> published(Emitted emitted, UUID org) throws Exception {
        List<MetricsBatch.Row> rows = new ArrayList<>();
        for (EmittedEvent event : emitted.inOrganization(org).ofType(MetricsBatch.TYPE).events()) {
            rows.addAll(json.treeToValue(event.payload(), MetricsBatch.class).rows());
        }
        return rows;
    }

    @Test
    void aRestatementThatRefusedRowsZeroesNothingItDidNotDeliver() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        DataPath path = dataPath(new NamesResolver());
        drop(org, "in", "media_20261101.csv", HEADER + "\n" + row(DAY, 1, 100, 10) + "\n" + row(DAY, 2, 200, 20) + "\n");
        Run first = run(org, pipeline, "in", "reject");
        path.bronze(first.context());
        path.silver(first.context());
        path.gold(first.context());

        // creative 2's row is unreadable this time: it is refused, and its earlier numbers must stand, not become zero
        drop(org, "in", "media_20261101.csv", HEADER + "\n" + row(DAY, 1, 110, 11) + "\n"
                + row(DAY, 2, 220, 22).replace(",220,", ",2x0,") + "\n");
        Run second = run(org, pipeline, "in", "reject");
        path.bronze(second.context());
        path.silver(second.context());
        path.gold(second.context());

        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.ingestion_rejects WHERE execution_id = ?", second.execution()))
                .isEqualTo(1);
        assertThat(TestDatabase.text("SELECT string_agg(impressions || '/' || clicks, ',' ORDER BY impressions) FROM "
                + "pipeline.gold_daily_metrics WHERE pipeline_id = ? AND level = 'creative'", pipeline))
                .as("creative 1 restated, creative 2 (refused) kept").isEqualTo("110/11,200/20");
    }

    @Test
    void duplicateKeysKeepTheLastRowAndRefuseTheEarlierOnes() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        drop(org, "dup", "media_2026-11-01.csv", HEADER + "\n" + row(DAY, 1, 100, 10) + "\n" + row(DAY, 2, 200, 20) + "\n"
                + row(DAY, 1, 150, 15) + "\n" + row(DAY, 1, 170, 17) + "\n");
        Run run = run(org, pipeline, "dup", "reject");
        DataPath path = dataPath(new NamesResolver());
        path.bronze(run.context());
        var silver = path.silver(run.context());
        path.gold(run.context());

        assertThat(silver.records()).isEqualTo(2);
        assertThat(silver.filtered()).isEqualTo(2);
        assertThat(TestDatabase.text("SELECT string_agg(line_no || ': ' || reasons, ' | ' ORDER BY line_no) FROM "
                + "pipeline.ingestion_rejects WHERE execution_id = ?", run.execution()))
                .isEqualTo("2: duplicate: a later row for the same day and entity is kept (line 5) | "
                        + "4: duplicate: a later row for the same day and entity is kept (line 5)");
        assertThat(TestDatabase.text("SELECT string_agg(impressions::text, ',' ORDER BY impressions) FROM "
                + "pipeline.gold_daily_metrics WHERE pipeline_id = ? AND level = 'creative'", pipeline)).isEqualTo("170,200");
        assertThat(TestDatabase.count("SELECT records_loaded * 1000 + records_failed FROM pipeline.ingestion_logs "
                + "WHERE execution_id = ?", run.execution())).isEqualTo(2_002);
    }

    @Test
    void unknownEntitiesAreRefusedWhenThePipelineSaysRejectAndCreatedWhenItSaysCreate() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        String content = HEADER + "\n" + row(DAY, 1, 100, 10) + "\n"
                + DAY + ",Unknown campaign,S,P,C,10,1,0.1,0,0\n";
        drop(org, "u", "media_2026-11-01.csv", content);
        DataPath path = dataPath(new NamesResolver());

        Run rejecting = run(org, pipeline, "u", "reject");
        path.bronze(rejecting.context());
        assertThat(path.silver(rejecting.context()).filtered()).isEqualTo(1);
        assertThat(TestDatabase.text("SELECT reasons FROM pipeline.ingestion_rejects WHERE execution_id = ?", rejecting.execution()))
                .isEqualTo("unknown entity: creative Unknown campaign > S > P > C");

        Run creating = run(org, pipeline, "u", "create");
        path.bronze(creating.context());
        assertThat(path.silver(creating.context()).filtered()).isZero();
    }

    @Test
    void withoutAnEntityResolverSilverFailsForGood() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        drop(org, "n", "media_2026-11-01.csv", HEADER + "\n" + row(DAY, 1, 100, 10) + "\n");
        Run run = run(org, pipeline, "n", "reject");
        DataPath path = dataPath(null);
        path.bronze(run.context());
        assertThatThrownBy(() -> path.silver(run.context())).isInstanceOf(PermanentStageFailure.class)
                .hasMessageContaining("no entity resolver");
    }

    @Test
    void goldRunAgainLeavesTheSameRowsAndPublishesNothingMore() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        StringBuilder file = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 2_500; i++) {
            file.append(row(DAY, i, 500 + i, i % 9)).append('\n');
        }
        drop(org, "g", "media_2026-11-01.csv", file.toString());
        Run run = run(org, pipeline, "g", "reject");
        DataPath path = dataPath(new NamesResolver());
        path.bronze(run.context());
        path.silver(run.context());
        String gold = "SELECT md5(string_agg(level || entity_id || metric_date || impressions || clicks || conversions "
                + "|| coalesce(revenue::text, '-'), ',' ORDER BY level, entity_id, metric_date)) FROM pipeline.gold_daily_metrics "
                + "WHERE pipeline_id = ?";

        EmittedEvents.Mark first = EmittedEvents.mark();
        path.gold(run.context());
        String rowsFirst = TestDatabase.text(gold, pipeline);
        Map<String, String> batchesFirst = batches(EmittedEvents.since(first).inOrganization(org));
        assertThat(batchesFirst).hasSize(2)
                .containsKeys(MetricsBatch.batchIdOf(run.execution(), 0).toString(), MetricsBatch.batchIdOf(run.execution(), 1).toString());

        // a crash empties the unlogged staging tables: gold loads silver again from bronze, never from the source
        TestDatabase.execute("TRUNCATE " + path.staging(run.execution()).rows() + ", " + path.staging(run.execution()).done());
        Files.delete(filesRoot.resolve(org.toString()).resolve("g").resolve("media_2026-11-01.csv"));
        EmittedEvents.Mark second = EmittedEvents.mark();
        path.gold(run.context());
        assertThat(TestDatabase.text(gold, pipeline)).isEqualTo(rowsFirst);
        // the numbers are those gold holds already: nothing is restated, nothing is published again
        assertThat(batches(EmittedEvents.since(second).inOrganization(org))).isEmpty();
    }

    @Test
    void aDspReportNamesItsEntitiesByLevelAndExternalIdWithViewsSpendAndCurrency() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        UUID campaign = UUID.randomUUID();
        UUID lineItem = UUID.randomUUID();
        String report = String.join("\n", "date,level,external_id,impressions,clicks,conversions,views,spend,currency,revenue",
                DAY + ",line_item,li-1,1000,10,2,300,12.345678,USD,40.5",
                DAY.plusDays(1) + ",line_item,li-1,2000,20,4,600,0.5,USD,",
                DAY + ",line_item,li-unknown,5,1,0,0,1,USD,0",
                DAY + ",line_item,li-1,1000,10,2,300,-1,USD,0",
                DAY + ",ad_group,li-1,1,0,0,0,0,USD,0",
                DAY + ",line_item,li-1,1,0,0,0,1.5,usd,0") + "\n";
        io.clp.pipeline.source.Source source = new io.clp.pipeline.source.Source.Listed() {
            @Override
            public String kind() {
                return "dsp_report";
            }

            @Override
            public List<io.clp.pipeline.source.SourceObject> list(SourceRequest request) {
                return List.of(new io.clp.pipeline.source.SourceObject("report-1", report.length(), null, "1", null));
            }

            @Override
            public java.io.InputStream open(SourceRequest request, io.clp.pipeline.source.SourceObject object) {
                return new java.io.ByteArrayInputStream(report.getBytes(StandardCharsets.UTF_8));
            }
        };
        EntityResolver byExternalId = (orgId, account, keys, create) -> keys.stream().map(key ->
                ((EntityKey.ByExternalId) key).externalId().equals("li-1")
                        ? new ResolvedEntity(campaign, null, lineItem, null, "USD") : (ResolvedEntity) null).toList();
        DataPath path = new DataPath(dataSource, new DataPath.Settings("pipeline", bronzeDir, 100_000, "64MB"),
                kind -> kind.equals("dsp_report") ? source : null, byExternalId, null, outbox);
        UUID execution = PipelineFixtures.execution(pipeline, "scheduled", "running");
        RunContext context = new RunContext(org, pipeline, execution, UUID.randomUUID(),
                json.valueToTree(Map.of("unknownEntities", "reject")), DAY, DAY.plusDays(1), 1, (stage, rows) -> { }, () -> { });

        path.bronze(context);
        var silver = path.silver(context);
        path.gold(context);

        assertThat(silver.records()).isEqualTo(2);
        assertThat(TestDatabase.text("SELECT string_agg(reasons, ' | ' ORDER BY line_no) FROM pipeline.ingestion_rejects "
                + "WHERE execution_id = ?", execution)).isEqualTo("unknown entity: line_item li-unknown | spend is negative | "
                + "level ad_group is not campaign, insertion_order, line_item or creative | currency usd is not an ISO 4217 code");
        assertThat(TestDatabase.text("SELECT string_agg(level || ' ' || metric_date || ' ' || impressions || ' ' || views || ' ' "
                + "|| spend || ' ' || currency || ' ' || coalesce(revenue::text, '-'), ' | ' ORDER BY level, metric_date) "
                + "FROM pipeline.gold_daily_metrics WHERE pipeline_id = ?", pipeline)).isEqualTo(
                "campaign 2026-11-01 1000 300 12.345678 USD 40.500000 | campaign 2026-11-02 2000 600 0.500000 USD 0.000000 | "
                        + "line_item 2026-11-01 1000 300 12.345678 USD 40.500000 | line_item 2026-11-02 2000 600 0.500000 USD 0.000000");
    }

    @Test
    void aSilverThatFailedBetweenTwoPagesOfEntitiesResumesAskingOnlyForTheKeysNotMatchedYet() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        StringBuilder file = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < 1_500; i++) {
            // two rows of the same creative and day: the second is kept, the first refused as a duplicate
            file.append(row(DAY, i, 1_000 + i, 10)).append('\n');
            if (i % 500 == 0) {
                file.append(row(DAY, i, 2_000 + i, 10)).append('\n');
            }
        }
        file.append(DAY).append(",Unknown camp,S,P,C,10,1,0.100000,0,0\n");
        drop(org, "resume", "media_" + DAY + ".csv", file.toString());
        Run run = run(org, pipeline, "resume", "reject");
        NamesResolver names = new NamesResolver();
        boolean[] down = {true};
        List<Integer> asked = Collections.synchronizedList(new ArrayList<>());
        EntityResolver flaky = (orgId, account, keys, create) -> {
            asked.add(keys.size());
            if (asked.size() == 2 && down[0]) {
                throw new io.clp.pipeline.campaigns.CampaignServiceException.Unavailable("campaign-service went away", null);
            }
            return names.resolve(orgId, account, keys, create);
        };
        DataPath path = dataPath(flaky);
        path.bronze(run.context());

        assertThatThrownBy(() -> path.silver(run.context())).hasMessageContaining("went away");
        down[0] = false;
        var silver = path.silver(run.context());

        assertThat(asked).as("1,000 keys, the failed page of 501, then only those 501 again").containsExactly(1_000, 501, 501);
        assertThat(silver.records()).isEqualTo(1_500);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.ingestion_rejects WHERE execution_id = ?", run.execution()))
                .as("3 duplicates and the unknown entity, each refused once").isEqualTo(4);
        assertThat(TestDatabase.count("SELECT records_loaded + records_failed FROM pipeline.ingestion_logs WHERE execution_id = ?",
                run.execution())).as("loaded + failed = rows in the file").isEqualTo(1_504);
    }

    @Test
    void theSourceIsFetchedBeforeBronzesTransactionAndItsDeliveryReleasedWhetherBronzeCommitsOrNot() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID pipeline = PipelineFixtures.manual(org, "active");
        String report = "date,level,external_id,impressions,clicks,conversions,views,spend,currency,revenue\n"
                + DAY + ",line_item,li-1,1000,10,2,300,1.5,USD,0\n";
        List<Long> openTransactionsWhileFetching = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger released = new AtomicInteger();
        boolean[] unreadable = {false};
        io.clp.pipeline.source.Source source = new io.clp.pipeline.source.Source() {
            @Override
            public String kind() {
                return "dsp_report";
            }

            @Override
            public Delivery fetch(SourceRequest request) {
                // a DSP report runs here for minutes: nothing of this execution may hold a transaction meanwhile
                openTransactionsWhileFetching.add(TestDatabase.count("SELECT count(*) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
                io.clp.pipeline.source.SourceObject report1 = new io.clp.pipeline.source.SourceObject("report-1",
                        report.length(), null, "1", null);
                return new Delivery() {
                    @Override
                    public List<io.clp.pipeline.source.SourceObject> objects() {
                        return List.of(report1);
                    }

                    @Override
                    public java.io.InputStream open(io.clp.pipeline.source.SourceObject object) throws IOException {
                        if (unreadable[0]) {
                            throw new IOException("the spooled report is gone");
                        }
                        return new java.io.ByteArrayInputStream(report.getBytes(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void close() throws IOException {
                        released.incrementAndGet();
                        throw new IOException("a temporary file that cannot be deleted fails nothing");
                    }
                };
            }
        };
        EntityResolver none = (orgId, account, keys, create) -> keys.stream().map(key -> (ResolvedEntity) null).toList();
        DataPath path = new DataPath(dataSource, new DataPath.Settings("pipeline", bronzeDir, 100_000, "64MB"),
                kind -> kind.equals("dsp_report") ? source : null, none, null, outbox);

        UUID committed = PipelineFixtures.execution(pipeline, "scheduled", "running");
        path.bronze(new RunContext(org, pipeline, committed, UUID.randomUUID(), json.valueToTree(Map.of()), DAY, DAY, 1,
                (stage, rows) -> { }, () -> { }));
        assertThat(TestDatabase.count("SELECT bronze_rows FROM pipeline.ingestion_runs WHERE execution_id = ?", committed))
                .isEqualTo(1);

        unreadable[0] = true;
        UUID failed = PipelineFixtures.execution(pipeline, "scheduled", "running");
        assertThatThrownBy(() -> path.bronze(new RunContext(org, pipeline, failed, UUID.randomUUID(),
                json.valueToTree(Map.of()), DAY, DAY, 1, (stage, rows) -> { }, () -> { })))
                .hasMessageContaining("the spooled report is gone");

        assertThat(openTransactionsWhileFetching).containsExactly(0L, 0L);
        assertThat(released).as("released after the commit and after the failure").hasValue(2);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.ingestion_runs WHERE execution_id = ?", failed)).isZero();
    }

    /** Batch id to the rows it carries. */
    private Map<String, String> batches(Emitted emitted) {
        return emitted.ofType(MetricsBatch.TYPE).events().stream().collect(Collectors.toMap(EmittedEvent::aggregateId,
                e -> e.payload().path("rows").toString(), (a, b) -> a, ConcurrentHashMap::new));
    }

    @Test
    void aSourcePathLeadingOutOfTheOrganizationsDirectoryIsRefused() throws Exception {
        UUID org = PipelineFixtures.organization();
        UUID other = PipelineFixtures.organization();
        drop(other, "secret", "media_2026-11-01.csv", HEADER + "\n" + row(DAY, 1, 100, 10) + "\n");
        drop(org, "mine", "media_2026-11-01.csv", HEADER + "\n");
        DirectorySource source = new DirectorySource(filesRoot);
        for (String path : List.of("../" + other + "/secret", "mine/../../" + other + "/secret", "/etc", "mine\\..\\x")) {
            SourceRequest request = request(org, path);
            assertThatThrownBy(() -> source.list(request)).as(path).isInstanceOf(SourceRefusedException.class);
        }
        // a symbolic link inside the organization's directory that leads out of it
        Files.createSymbolicLink(filesRoot.resolve(org.toString()).resolve("link"),
                filesRoot.resolve(other.toString()).resolve("secret").toAbsolutePath());
        assertThatThrownBy(() -> source.list(request(org, "link"))).isInstanceOf(SourceRefusedException.class);
        Files.createSymbolicLink(filesRoot.resolve(org.toString()).resolve("mine").resolve("media-20261101-copy.csv"),
                filesRoot.resolve(other.toString()).resolve("secret").resolve("media_2026-11-01.csv").toAbsolutePath());
        assertThatThrownBy(() -> source.list(request(org, "mine"))).isInstanceOf(SourceRefusedException.class);

        UUID pipeline = PipelineFixtures.manual(org, "active");
        Run run = run(org, pipeline, "../" + other + "/secret", "reject");
        assertThatThrownBy(() -> dataPath(new NamesResolver()).bronze(run.context())).isInstanceOf(PermanentStageFailure.class);
    }

    @Test
    void filesAreReadByTheDayInTheirName() {
        assertThat(DirectorySource.dayOf("media_2026-03-01.csv")).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(DirectorySource.dayOf("export-20260301.csv")).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(DirectorySource.dayOf("v2_99999999_2026-02-28.csv")).isEqualTo(LocalDate.of(2026, 2, 28));
        assertThat(DirectorySource.dayOf("2026-0301.csv")).isNull();
        assertThat(DirectorySource.dayOf("notes.csv")).isNull();
    }

    private SourceRequest request(UUID org, String path) {
        return new SourceRequest(org, UUID.randomUUID(), UUID.randomUUID(), null,
                json.valueToTree(Map.of("source", Map.of("kind", "directory", "path", path))), DAY, DAY);
    }
}
