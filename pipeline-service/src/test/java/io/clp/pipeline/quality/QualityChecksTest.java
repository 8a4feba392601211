package io.clp.pipeline.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.pipeline.PipelineFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The data-quality checks against a real PostgreSQL, as the service's own role (row-level security applies): each
 * family on clean data and on crafted bad data. The silver staging, rejects and gold tables are made here when the
 * schema does not have them yet, with the columns the data path writes.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class QualityChecksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate FROM = LocalDate.parse("2026-11-01");
    private static final LocalDate TO = LocalDate.parse("2026-11-03");
    private static final List<String> HEADER = List.of("date", "campaign_name", "impressions", "clicks", "spend");

    @Inject
    QualityChecks checks;

    @BeforeAll
    static void tables() throws SQLException {
        try (Connection c = TestDatabase.asService("pipeline"); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS pipeline.ingestion_rejects (
                        execution_id uuid NOT NULL, line_no bigint NOT NULL, reasons text[] NOT NULL, raw_line text)
                    """);
        }
    }

    /** One execution of a new pipeline of a new organization, with its silver staging table. */
    private static final class Run {
        final UUID org = PipelineFixtures.organization();
        final UUID pipeline = PipelineFixtures.manual(org, "active");
        final UUID execution = PipelineFixtures.execution(pipeline, "manual", "running");
        final String silver = "pipeline.silver_" + execution.toString().replace("-", "");
        final UUID campaignA = UUID.randomUUID();
        final UUID campaignB = UUID.randomUUID();
        LocalDate from = FROM;
        LocalDate to = TO;
        List<String> received = HEADER;
        List<String> expected = HEADER;
        long rejected;
        Instant sourceModifiedAt;
        String config = "{}";

        Run() throws SQLException {
            try (Connection c = TestDatabase.asService("pipeline"); Statement s = c.createStatement()) {
                s.execute("CREATE UNLOGGED TABLE " + silver + " (line_no bigint, metric_date date, level text, key_id integer, "
                        + "external_id text, campaign_name text, insertion_order_name text, line_item_name text, "
                        + "creative_name text, impressions bigint, clicks bigint, conversions bigint, views bigint, "
                        + "spend numeric(20,6), currency char(3), revenue numeric(20,6), campaign_id uuid, "
                        + "insertion_order_id uuid, line_item_id uuid, creative_id uuid)");
            }
        }

        /** Two known campaigns a day over the window, clean: lines 1.. */
        Run clean() {
            sql("INSERT INTO " + silver + " SELECT row_number() OVER (ORDER BY d, k), d::date, 'campaign', k, 'ext-' || k, "
                    + "'Campaign ' || k, NULL, NULL, NULL, 1000, 10, 1, 0, 50, 'USD', 0, CASE k WHEN 1 THEN ?::uuid ELSE ?::uuid END, "
                    + "NULL, NULL, NULL FROM generate_series(?::date, ?::date, interval '1 day') d, generate_series(1, 2) k",
                    campaignA, campaignB, from, to);
            return this;
        }

        /** One campaign row: values as SQL literals. */
        Run row(long line, String date, String externalId, String impressions, String clicks, String conversions,
                String spend, String currency, UUID campaign) {
            sql("INSERT INTO " + silver + " (line_no, metric_date, level, key_id, external_id, campaign_name, impressions, "
                    + "clicks, conversions, views, spend, currency, revenue, campaign_id) VALUES (?, CAST(? AS date), "
                    + "'campaign', ?, ?, ?, CAST(? AS bigint), CAST(? AS bigint), CAST(? AS bigint), 0, CAST(? AS numeric), "
                    + "?, 0, ?)", line, date, externalId == null ? null : Math.abs(externalId.hashCode()), externalId,
                    "Campaign " + externalId, impressions, clicks, conversions, spend, currency, campaign);
            return this;
        }

        void sql(String sql, Object... args) {
            try (Connection c = TestDatabase.asService("pipeline"); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        QualityContext context() {
            try {
                return new QualityContext(org, pipeline, execution, silver, received, expected, 100, rejected, from, to,
                        sourceModifiedAt, JSON.readTree(config));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        String stored(String check, String column) {
            return TestDatabase.text("SELECT " + column + "::text FROM pipeline.data_quality_metrics WHERE execution_id = ? "
                    + "AND metric_name = ?", execution, check);
        }

        long fails(String check) {
            return Long.parseLong(stored(check, "fail_count"));
        }

        long checked(String check) {
            return Long.parseLong(stored(check, "check_count"));
        }

        JsonNode details(String check) throws Exception {
            return JSON.readTree(stored(check, "details"));
        }

        JsonNode samples(String check) throws Exception {
            return JSON.readTree(stored(check, "sample_failures"));
        }

        List<Long> sampleLines(String check) throws Exception {
            List<Long> lines = new ArrayList<>();
            samples(check).forEach(s -> lines.add(s.get("line").asLong()));
            return lines;
        }

        /** A completed earlier execution of the pipeline with this many silver rows over {@code days} days. */
        void history(long silverRecords, int days) {
            TestDatabase.execute("""
                    INSERT INTO pipeline.etl_executions (pipeline_id, org_id, execution_type, status, data_from, data_to,
                                                         silver_records, completed_at)
                    VALUES (?, ?, 'manual', 'completed', DATE '2026-10-01', DATE '2026-10-01' + ? - 1, ?, now())
                    """, pipeline, org, days, silverRecords);
        }

        /** A gold day of the campaign. */
        void gold(UUID campaign, String date, long impressions, String spend) {
            TestDatabase.execute("""
                    INSERT INTO pipeline.gold_blocks AS b (org_id, pipeline_id, execution_ids, entity_ids, metric_date,
                                                           impressions, spend, level, extracted_at, clicks, conversions,
                                                           views, currency, revenue)
                    VALUES (?, ?, ARRAY[CAST(? AS uuid)], ARRAY[CAST(? AS uuid)], CAST(? AS date), ARRAY[CAST(? AS bigint)],
                            ARRAY[CAST(? AS numeric)], 'campaign', ARRAY[now()], '{0}', '{0}', '{0}', '{USD}', '{0}')
                    ON CONFLICT (pipeline_id, metric_date, level) DO UPDATE SET
                        entity_ids = b.entity_ids || EXCLUDED.entity_ids, execution_ids = b.execution_ids || EXCLUDED.execution_ids,
                        extracted_at = b.extracted_at || EXCLUDED.extracted_at, impressions = b.impressions || EXCLUDED.impressions,
                        clicks = b.clicks || EXCLUDED.clicks, conversions = b.conversions || EXCLUDED.conversions,
                        views = b.views || EXCLUDED.views, spend = b.spend || EXCLUDED.spend,
                        currency = b.currency || EXCLUDED.currency, revenue = b.revenue || EXCLUDED.revenue
                    """, org, pipeline, execution, campaign, date, impressions, spend);
        }
    }

    private QualityOutcome check(Run run) throws SQLException {
        return check(run, run.org);
    }

    /** Runs the checks in a transaction scoped to {@code scope} (as the executor does), committed. */
    private QualityOutcome check(Run run, UUID scope) throws SQLException {
        try (Connection c = TestDatabase.asService("pipeline")) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('clp.org_ids', ?, true)")) {
                ps.setString(1, scope.toString());
                ps.execute();
            }
            try {
                String workMem = workMem(c);
                QualityOutcome outcome = checks.check(c, run.context());
                // the checks leave the transaction's settings as they found them
                assertThat(workMem(c)).isEqualTo(workMem);
                c.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static String workMem(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('work_mem')"); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long storedRows(Run run) {
        return TestDatabase.count("SELECT count(*) FROM pipeline.data_quality_metrics WHERE execution_id = ?", run.execution);
    }

    @Test
    void cleanDataPassesEveryCheckAndScoresHundred() throws Exception {
        Run run = new Run().clean();
        run.sourceModifiedAt = Instant.parse("2026-11-04T02:00:00Z");
        run.config = "{\"quality\": {\"names\": {\"patterns\": {\"campaign\": \"^Campaign [0-9]+$\"}}}}";

        QualityOutcome outcome = check(run);

        assertThat(outcome.blocked()).isFalse();
        assertThat(outcome.blockingCheck()).isNull();
        assertThat(outcome.hasIssues()).isFalse();
        assertThat(outcome.score()).isEqualByComparingTo("100");
        // every check but duplicates (off by default: the data path de-duplicates silver itself)
        assertThat(storedRows(run)).isEqualTo(15);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.data_quality_metrics WHERE execution_id = ? "
                + "AND (fail_count > 0 OR layer <> 'silver' OR (details->>'failed')::boolean)", run.execution)).isZero();
        assertThat(run.checked("requiredFields")).isEqualTo(6);
        assertThat(run.checked("missingDays")).isEqualTo(3);
        assertThat(run.checked("names")).isEqualTo(6);
        assertThat(run.stored("requiredFields", "metric_type")).isEqualTo("missing");
        assertThat(run.stored("unknownEntities", "metric_type")).isEqualTo("referential");
        assertThat(run.stored("missingColumns", "metric_type")).isEqualTo("schema_drift");
        assertThat(run.stored("spendAnomaly", "metric_type")).isEqualTo("anomaly");
        // default severities
        assertThat(run.stored("requiredFields", "severity")).isEqualTo("block");
        assertThat(run.stored("missingColumns", "severity")).isEqualTo("block");
        assertThat(run.stored("unknownEntities", "severity")).isEqualTo("block");
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.data_quality_metrics WHERE execution_id = ? "
                + "AND metric_name = 'duplicates'", run.execution)).isZero();
        assertThat(run.stored("rejectedDuplicates", "metric_type")).isEqualTo("uniqueness");
        assertThat(run.stored("ratios", "severity")).isEqualTo("warn");
        assertThat(run.stored("volume", "severity")).isEqualTo("warn");
        assertThat(run.stored("spendAnomaly", "severity")).isEqualTo("warn");
    }

    @Test
    void badRowsAreCountedWithTheirLinesAndTheFirstBlockingCheckStopsGold() throws Exception {
        Run run = new Run().clean(); // lines 1..6
        run.row(101, "2026-11-01", "ext-9", null, "0", "0", "1", "USD", run.campaignA)      // impressions missing
                .row(102, "2026-11-02", "ext-8", "100", "5", "0", "-2.5", "USD", run.campaignA)  // negative spend
                .row(103, "2026-11-02", "ext-7", "100", "150", "0", "1", "USD", run.campaignA)   // clicks > impressions
                .row(104, "2026-11-03", "ext-6", "100", "5", "9", "1", "XYZ", run.campaignA)     // unknown currency
                .row(105, "2026-11-03", "ext-5", "100", "5", "0", "1", "EUR", null)              // unknown entity
                .row(106, "2026-11-03", "ext-4", "100", "5", "0", "1", "EUR", null);             // unknown entity

        QualityOutcome outcome = check(run);

        assertThat(run.fails("requiredFields")).isEqualTo(1);
        assertThat(run.checked("requiredFields")).isEqualTo(12);
        assertThat(run.samples("requiredFields").get(0).get("line").asLong()).isEqualTo(101);
        assertThat(run.samples("requiredFields").get(0).get("fields").get(0).asText()).isEqualTo("impressions");
        assertThat(run.fails("ranges")).isEqualTo(1);
        assertThat(run.sampleLines("ranges")).containsExactly(102L);
        assertThat(run.samples("ranges").get(0).get("spend").decimalValue()).isEqualByComparingTo("-2.5");
        assertThat(run.fails("ratios")).isEqualTo(1);
        assertThat(run.sampleLines("ratios")).containsExactly(103L);
        assertThat(run.fails("enums")).isEqualTo(1);
        assertThat(run.samples("enums").get(0).get("currency").asText()).isEqualTo("XYZ");
        assertThat(run.fails("unknownEntities")).isEqualTo(2);
        assertThat(run.sampleLines("unknownEntities")).containsExactly(105L, 106L);
        assertThat(run.samples("unknownEntities").get(0).get("externalId").asText()).isEqualTo("ext-5");
        assertThat(run.stored("unknownEntities", "pass_count")).isEqualTo("10");
        // conversions above clicks (line 104) only fail when asked
        assertThat(run.details("ratios").get("conversionsWithinClicks").asBoolean()).isFalse();

        assertThat(outcome.blocked()).isTrue();
        assertThat(outcome.blockingCheck()).isEqualTo("requiredFields");
        assertThat(outcome.hasIssues()).isTrue();
        assertThat(outcome.score()).isLessThan(new BigDecimal("100"));
    }

    @Test
    void warnChecksReportWithoutBlockingAndSeverityAndToleranceAreConfigurable() throws Exception {
        Run run = new Run().clean();
        run.row(103, "2026-11-02", "ext-7", "100", "150", "200", "1", "USD", run.campaignA); // clicks > impressions
        QualityOutcome warned = check(run);
        assertThat(warned.blocked()).isFalse();
        assertThat(warned.hasIssues()).isTrue();
        assertThat(run.details("ratios").get("failed").asBoolean()).isTrue();

        Run blocking = new Run().clean();
        blocking.row(103, "2026-11-02", "ext-7", "100", "50", "60", "1", "USD", blocking.campaignA);
        blocking.config = "{\"quality\": {\"ratios\": {\"severity\": \"block\", \"conversionsWithinClicks\": true}}}";
        QualityOutcome blocked = check(blocking);
        assertThat(blocked.blocked()).isTrue();
        assertThat(blocked.blockingCheck()).isEqualTo("ratios");
        assertThat(blocking.stored("ratios", "severity")).isEqualTo("block");

        Run tolerated = new Run().clean();
        tolerated.row(105, "2026-11-03", "ext-5", "100", "5", "0", "1", "EUR", null); // 1 unknown of 7 rows
        tolerated.config = "{\"quality\": {\"unknownEntities\": {\"tolerance\": 0.2}}}";
        QualityOutcome ok = check(tolerated);
        assertThat(tolerated.fails("unknownEntities")).isEqualTo(1);
        assertThat(tolerated.details("unknownEntities").get("failed").asBoolean()).isFalse();
        assertThat(ok.blocked()).isFalse();

        Run off = new Run().clean();
        off.row(105, "2026-11-03", "ext-5", "100", "5", "0", "1", "EUR", null);
        off.config = "{\"quality\": {\"unknownEntities\": false, \"volume\": {\"enabled\": false}}}";
        assertThat(check(off).blocked()).isFalse();
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.data_quality_metrics WHERE execution_id = ? "
                + "AND metric_name IN ('unknownEntities', 'volume')", off.execution)).isZero();

        Run none = new Run().clean();
        none.row(105, "2026-11-03", "ext-5", "100", "5", "0", "1", "EUR", null);
        none.config = "{\"quality\": {\"enabled\": false}}";
        QualityOutcome skipped = check(none);
        assertThat(skipped.blocked()).isFalse();
        assertThat(storedRows(none)).isZero();
    }

    @Test
    void invalidSettingsFallBackToTheirDefaultsWithANote() throws Exception {
        Run run = new Run().clean();
        run.row(102, "2026-11-02", "ext-8", "100", "5", "0", "-1", "USD", run.campaignA);
        run.config = "{\"quality\": {\"ranges\": {\"severity\": \"fatal\", \"tolerance\": \"lots\"}, \"volume\": \"yes\", "
                + "\"spendAnomaly\": {\"zThreshold\": -4, \"minHistoryDays\": 1.5}, \"requiredFields\": {\"fields\": [\"nope\"]}}}";

        QualityOutcome outcome = check(run);

        assertThat(outcome.blocked()).isTrue();
        assertThat(outcome.blockingCheck()).isEqualTo("ranges");
        assertThat(run.stored("ranges", "severity")).isEqualTo("block");
        assertThat(run.details("ranges").get("configNotes").toString()).contains("severity").contains("tolerance");
        assertThat(run.details("volume").get("configNotes").toString()).contains("not an object");
        assertThat(run.details("spendAnomaly").get("zThreshold").asDouble()).isEqualTo(3.0);
        assertThat(run.details("spendAnomaly").get("minHistoryDays").asInt()).isEqualTo(7);
        assertThat(run.details("spendAnomaly").get("configNotes")).hasSize(2);
        assertThat(run.details("requiredFields").get("fields").toString())
                .isEqualTo("[\"metric_date\",\"level\",\"entity\",\"impressions\"]");

        Run garbage = new Run().clean();
        garbage.config = "{\"quality\": \"strict\"}";
        assertThat(check(garbage).blocked()).isFalse();
        assertThat(garbage.details("rejectedDuplicates").get("configNotes").toString()).contains("quality is not an object");
    }

    @Test
    void daysOfTheWindowWithoutRowsAreMissing() throws Exception {
        Run run = new Run();
        run.from = LocalDate.parse("2026-11-01");
        run.to = LocalDate.parse("2026-11-05");
        run.row(1, "2026-11-01", "ext-1", "1", "0", "0", "1", "USD", run.campaignA)
                .row(2, "2026-11-03", "ext-1", "1", "0", "0", "1", "USD", run.campaignA)
                .row(3, "2026-11-05", "ext-1", "1", "0", "0", "1", "USD", run.campaignA);

        QualityOutcome outcome = check(run);

        assertThat(run.checked("missingDays")).isEqualTo(5);
        assertThat(run.fails("missingDays")).isEqualTo(2);
        assertThat(run.samples("missingDays").toString()).isEqualTo("[{\"date\":\"2026-11-02\"},{\"date\":\"2026-11-04\"}]");
        assertThat(outcome.blocked()).isFalse(); // warn by default
        assertThat(outcome.hasIssues()).isTrue();
    }

    @Test
    void duplicatesLeftInSilverBlockAndDuplicatesSilverRefusedWarn() throws Exception {
        Run run = new Run().clean(); // lines 1..6: (day, campaign) unique
        run.rejected = 3;
        run.sql("INSERT INTO " + run.silver + " SELECT 100 + line_no, metric_date, level, key_id, external_id, campaign_name, "
                + "NULL, NULL, NULL, impressions, clicks, conversions, views, spend, currency, revenue, campaign_id, NULL, NULL, "
                + "NULL FROM " + run.silver + " WHERE line_no IN (2, 5)");
        TestDatabase.execute("INSERT INTO pipeline.ingestion_rejects (execution_id, org_id, object_no, line_no, reasons, raw_line) "
                + "VALUES (?, ?, 1, 201, 'duplicate of line 1', 'x'), (?, ?, 1, 202, 'spend: not a number; duplicate of line 3', 'y'), "
                + "(?, ?, 1, 203, 'date: not a date', 'z')", run.execution, run.org, run.execution, run.org, run.execution, run.org);
        // the check of duplicates left in silver re-verifies the data path's own de-duplication: on when asked
        run.config = "{\"quality\": {\"duplicates\": true}}";

        QualityOutcome outcome = check(run);

        assertThat(run.fails("duplicates")).isEqualTo(2);
        assertThat(run.checked("duplicates")).isEqualTo(8);
        assertThat(run.sampleLines("duplicates")).containsExactly(102L, 105L);
        assertThat(run.samples("duplicates").get(0).get("firstLine").asLong()).isEqualTo(2);
        assertThat(run.details("duplicates").get("duplicateGroups").asLong()).isEqualTo(2);
        assertThat(run.fails("rejectedDuplicates")).isEqualTo(2);
        assertThat(run.sampleLines("rejectedDuplicates")).containsExactly(201L, 202L);
        assertThat(run.samples("rejectedDuplicates").get(1).get("reasons").toString())
                .isEqualTo("[\"spend: not a number\",\"duplicate of line 3\"]");
        assertThat(run.stored("rejectedDuplicates", "severity")).isEqualTo("warn");
        assertThat(outcome.blockingCheck()).isEqualTo("duplicates");
    }

    @Test
    void freshnessMeasuresTheNewestDayAndTheSourceAgainstTheWindowEnd() throws Exception {
        Run fresh = new Run().clean();
        fresh.sourceModifiedAt = Instant.parse("2026-11-03T20:00:00Z"); // 4 hours before the window's end
        check(fresh);
        assertThat(fresh.fails("freshness")).isZero();
        assertThat(fresh.checked("freshness")).isEqualTo(2);
        assertThat(fresh.details("freshness").get("sourceLagHours").asDouble()).isEqualTo(4.0);
        assertThat(fresh.details("freshness").get("dataLagHours").asDouble()).isEqualTo(0.0);

        Run stale = new Run().clean(); // the newest row is 2026-11-03
        stale.to = LocalDate.parse("2026-11-05"); // 48 hours short
        stale.sourceModifiedAt = Instant.parse("2026-11-05T00:00:00Z"); // a day before the window's end
        check(stale);
        assertThat(stale.fails("freshness")).isEqualTo(2);
        assertThat(stale.details("freshness").get("dataLagHours").asDouble()).isEqualTo(48.0);
        assertThat(stale.details("freshness").get("sourceLagHours").asDouble()).isEqualTo(24.0);
        assertThat(stale.samples("freshness")).hasSize(2);

        Run unknownSource = new Run().clean();
        unknownSource.config = "{\"quality\": {\"freshness\": {\"maxDataLagHours\": 0}}}";
        check(unknownSource);
        assertThat(unknownSource.checked("freshness")).isEqualTo(1);
        assertThat(unknownSource.details("freshness").has("sourceNote")).isTrue();
    }

    @Test
    void volumeIsComparedWithTheTrailingAverageAndPassesWithANoteWithoutHistory() throws Exception {
        Run first = new Run().clean();
        check(first);
        assertThat(first.fails("volume")).isZero();
        assertThat(first.details("volume").get("note").asText()).contains("not enough history");
        assertThat(first.details("volume").get("historyExecutions").asLong()).isZero();

        Run steady = new Run().clean(); // 6 rows over 3 days: 2 a day
        steady.history(2, 1);
        steady.history(6, 3);
        steady.history(4, 2);
        check(steady);
        assertThat(steady.fails("volume")).isZero();
        assertThat(steady.details("volume").get("trailingAveragePerDay").asDouble()).isEqualTo(2.0);
        assertThat(steady.details("volume").get("deviation").asDouble()).isEqualTo(0.0);

        Run dropped = new Run().clean();
        for (int i = 0; i < 3; i++) {
            dropped.history(8, 1); // 8 a day before; 2 now: 75 % below
        }
        check(dropped);
        assertThat(dropped.fails("volume")).isEqualTo(1);
        assertThat(dropped.details("volume").get("deviation").asDouble()).isCloseTo(0.75, within(1e-9));
        assertThat(dropped.details("volume").get("failed").asBoolean()).isTrue();

        Run tuned = new Run().clean();
        tuned.history(8, 1);
        tuned.config = "{\"quality\": {\"volume\": {\"minExecutions\": 1, \"maxDeviation\": 0.8}}}";
        check(tuned);
        assertThat(tuned.fails("volume")).isZero();
    }

    @Test
    void schemaDriftNamesMissingExtraAndReorderedColumns() throws Exception {
        Run run = new Run().clean();
        run.received = List.of("Campaign_Name", "date", "impressions", "spend", "cost_micros");

        QualityOutcome outcome = check(run);

        assertThat(run.fails("missingColumns")).isEqualTo(1);
        assertThat(run.details("missingColumns").get("missing").toString()).isEqualTo("[\"clicks\"]");
        assertThat(run.fails("extraColumns")).isEqualTo(1);
        assertThat(run.details("extraColumns").get("extra").toString()).isEqualTo("[\"cost_micros\"]");
        assertThat(run.fails("reorderedColumns")).isEqualTo(2);
        assertThat(run.details("reorderedColumns").get("reordered").toString()).isEqualTo("[\"date\",\"campaign_name\"]");
        assertThat(outcome.blockingCheck()).isEqualTo("missingColumns");

        Run noHeader = new Run().clean();
        noHeader.received = null;
        noHeader.expected = List.of();
        check(noHeader);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.data_quality_metrics WHERE execution_id = ? "
                + "AND metric_type = 'schema_drift'", noHeader.execution)).isZero();
    }

    @Test
    void namesAreMatchedWithRe2jAndUnusablePatternsAreIgnoredWithANote() throws Exception {
        Run run = new Run().clean();
        run.row(50, "2026-11-01", "bad name!", "1", "0", "0", "1", "USD", run.campaignA)
                .row(51, "2026-11-02", "bad name!", "1", "0", "0", "1", "USD", run.campaignA);
        run.config = "{\"quality\": {\"names\": {\"patterns\": {\"campaign\": \"^Campaign [a-z0-9-]+$\", "
                + "\"creative\": \"(a)\\\\1\", \"lineItem\": \"(x{100}){200}\", \"advertiser\": \".*\"}}}}";

        check(run);

        assertThat(run.checked("names")).isEqualTo(8);
        assertThat(run.fails("names")).isEqualTo(2);
        assertThat(run.samples("names")).hasSize(1);
        assertThat(run.samples("names").get(0).get("line").asLong()).isEqualTo(50);
        assertThat(run.samples("names").get(0).get("name").asText()).isEqualTo("Campaign bad name!");
        assertThat(run.samples("names").get(0).get("rows").asLong()).isEqualTo(2);
        String notes = run.details("names").get("configNotes").toString();
        assertThat(notes).contains("patterns.creative").contains("patterns.lineItem").contains("advertiser");
        assertThat(run.details("names").get("patterns").size()).isEqualTo(1);
    }

    @Test
    void anomalyIsTheZScoreAgainstTheEntitysGoldHistory() throws Exception {
        Run run = new Run();
        run.from = LocalDate.parse("2026-11-10");
        run.to = LocalDate.parse("2026-11-10");
        // campaign A: 7 days of spend 10, 12, 11, 13, 9, 10, 12 (mean 11, sample stddev √2); impressions 1000 ± 10
        String[] spend = {"10", "12", "11", "13", "9", "10", "12"};
        long[] impressions = {1000, 1010, 990, 1000, 1010, 990, 1000};
        for (int i = 0; i < 7; i++) {
            run.gold(run.campaignA, LocalDate.parse("2026-11-03").plusDays(i).toString(), impressions[i], spend[i]);
        }
        // campaign B: 6 days only, not enough history
        for (int i = 0; i < 6; i++) {
            run.gold(run.campaignB, LocalDate.parse("2026-11-04").plusDays(i).toString(), 100, "1");
        }
        // a day outside the 28-day history is ignored
        run.gold(run.campaignA, "2026-10-01", 1, "100000");
        // today: spend 30 (z = 19 / √2 = 13.435), impressions 1000 (z = 0); two rows of A summed per day
        run.row(1, "2026-11-10", "ext-A", "600", "0", "0", "20", "USD", run.campaignA)
                .row(2, "2026-11-10", "ext-A2", "400", "0", "0", "10", "USD", run.campaignA)
                .row(3, "2026-11-10", "ext-B", "100000", "0", "0", "5000", "USD", run.campaignB);

        QualityOutcome outcome = check(run);

        assertThat(run.checked("spendAnomaly")).isEqualTo(1);
        assertThat(run.fails("spendAnomaly")).isEqualTo(1);
        JsonNode sample = run.samples("spendAnomaly").get(0);
        assertThat(sample.get("entityId").asText()).isEqualTo(run.campaignA.toString());
        assertThat(sample.get("line").asLong()).isEqualTo(1);
        assertThat(sample.get("mean").decimalValue()).isEqualByComparingTo("11");
        assertThat(sample.get("stddev").doubleValue()).isCloseTo(Math.sqrt(2), within(1e-4));
        assertThat(sample.get("z").doubleValue()).isCloseTo(19 / Math.sqrt(2), within(1e-4));
        assertThat(sample.get("historyDays").asInt()).isEqualTo(7);
        assertThat(run.details("spendAnomaly").get("insufficientHistory").asLong()).isEqualTo(1);
        assertThat(run.details("spendAnomaly").get("level").asText()).isEqualTo("campaign");
        assertThat(run.fails("impressionsAnomaly")).isZero();
        assertThat(run.checked("impressionsAnomaly")).isEqualTo(1);
        assertThat(outcome.blocked()).isFalse(); // warn by default

        Run lenient = new Run();
        lenient.from = lenient.to = LocalDate.parse("2026-11-10");
        for (int i = 0; i < 7; i++) {
            lenient.gold(lenient.campaignA, LocalDate.parse("2026-11-03").plusDays(i).toString(), 1000, spend[i]);
        }
        // spend 14: z = 3 / √2 = 2.12, under 3 by default; over a configured 2 it fails and blocks
        lenient.row(1, "2026-11-10", "ext-A", "1000", "0", "0", "14", "USD", lenient.campaignA);
        lenient.config = "{\"quality\": {\"spendAnomaly\": {\"zThreshold\": 2, \"severity\": \"block\"}}}";
        QualityOutcome strict = check(lenient);
        assertThat(lenient.fails("spendAnomaly")).isEqualTo(1);
        assertThat(strict.blockingCheck()).isEqualTo("spendAnomaly");
        // a constant history (impressions 1000 every day) flags any other value only; 1000 is not one
        assertThat(lenient.fails("impressionsAnomaly")).isZero();

        // the level is configurable per check: at line item level these campaign rows have no entity to compare
        Run lineItems = new Run();
        lineItems.from = lineItems.to = LocalDate.parse("2026-11-10");
        for (int i = 0; i < 7; i++) {
            lineItems.gold(lineItems.campaignA, LocalDate.parse("2026-11-03").plusDays(i).toString(), 1000, spend[i]);
        }
        lineItems.row(1, "2026-11-10", "ext-A", "1000", "0", "0", "30", "USD", lineItems.campaignA);
        lineItems.config = "{\"quality\": {\"spendAnomaly\": {\"level\": \"line_item\"}, \"impressionsAnomaly\": "
                + "{\"level\": \"nope\"}}}";
        check(lineItems);
        assertThat(lineItems.details("spendAnomaly").get("level").asText()).isEqualTo("line_item");
        assertThat(lineItems.checked("spendAnomaly")).isZero();
        assertThat(lineItems.details("impressionsAnomaly").get("level").asText()).isEqualTo("campaign");
        assertThat(lineItems.details("impressionsAnomaly").get("configNotes").toString()).contains("level must be one of");
        assertThat(lineItems.checked("impressionsAnomaly")).isEqualTo(1);
    }

    @Test
    void storedResultsBelongToTheExecutionsOrganizationOnly() throws Exception {
        Run run = new Run().clean();
        check(run);
        UUID other = PipelineFixtures.organization();

        try (Connection c = TestDatabase.asService("pipeline")) {
            c.setAutoCommit(false);
            assertThat(visible(c, run, other)).isZero();
            assertThat(visible(c, run, run.org)).isEqualTo(storedRows(run)).isPositive();
            c.rollback();
        }
        // a transaction scoped to another organization cannot write the execution's results
        Run foreign = new Run().clean();
        assertThatThrownBy(() -> check(foreign, other)).isInstanceOf(SQLException.class)
                .hasMessageContaining("row-level security");
        assertThat(storedRows(foreign)).isZero();
    }

    private static long visible(Connection c, Run run, UUID scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('clp.org_ids', ?, true)")) {
            ps.setString(1, scope.toString());
            ps.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pipeline.data_quality_metrics WHERE execution_id = ?")) {
            ps.setObject(1, run.execution);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aTableNameThatIsNotOneIsRefused() throws Exception {
        Run run = new Run();
        QualityContext ctx = run.context();
        QualityContext evil = new QualityContext(ctx.organizationId(), ctx.pipelineId(), ctx.executionId(),
                "pipeline.x; DROP TABLE pipeline.pipelines", ctx.headerReceived(), ctx.headerExpected(), 0, 0, ctx.from(),
                ctx.to(), null, ctx.config());
        try (Connection c = TestDatabase.asService("pipeline")) {
            assertThatThrownBy(() -> checks.check(c, evil)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
