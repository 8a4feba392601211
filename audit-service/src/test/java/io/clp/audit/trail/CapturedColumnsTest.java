package io.clp.audit.trail;

import io.clp.launcher.ServiceCatalog;
import io.clp.launcher.StackLayout;
import io.clp.platform.persistence.PlatformMigrations;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * What the change-data-capture connector (deploy/debezium/clp-cdc.properties) streams, checked
 * against the real tables: every captured service's Flyway migrations are applied to a real
 * PostgreSQL (as the local stack does), and each column of each captured table is judged with the
 * connector's own filters, in Debezium's semantics (comma-separated regexes, each matched
 * case-insensitively against the whole name: schema, schema.table, schema.table.column).
 */
class CapturedColumnsTest {

    /** Names that suggest a secret, a credential or where one is kept. */
    private static final Pattern SECRET_LOOKING = Pattern.compile(
            "secret|token|credential|passw|hash|encrypt|cipher|private_?key|api_?key|_path$", Pattern.CASE_INSENSITIVE);

    /** Columns whose names do not say so but that can hold secrets: they must not be captured either. */
    private static final Map<String, String> SECRET_BEARING = Map.of(
            "campaign.dsp_accounts.metadata", "what a DSP returned about the account, which can include tokens",
            "campaign.dsp_accounts.sync_error", "a DSP's error answer, which can echo the request's credentials");

    /** Captured columns that merely look secret, each with the reason it may be streamed and audited. */
    private static final Map<String, String> LOOKS_SECRET_BUT_IS_NOT = Map.of(
            "identity.auth_tokens.token_type", "the kind of token (session, refresh, api_key), not a token",
            "identity.auth_tokens.token_prefix", "an API key's public identifier, shown by the API (ApiKeyView.prefix)",
            "campaign.dsp_accounts.token_expires_at", "when the account's DSP token expires, not the token",
            "identity.tenant_quotas.max_api_keys", "how many API keys the organization may hold, a number");

    private static Properties connector;
    /** Columns of captured tables, streamed or not. */
    private static List<String> columnsOfCapturedTables;
    /** Columns whose values the connector streams. */
    private static List<String> capturedColumns;
    private static List<String> capturedTables;
    /** Columns of every table of the captured schemas, captured or not. */
    private static List<String> columnsOfAllTables;
    /** Tables and views of the captured schemas (a table may have become a view of its rows' new home). */
    private static List<String> relations;

    @BeforeAll
    static void migrateEveryCapturedServiceAndReadTheConnector() throws Exception {
        Path repo = StackLayout.locateRepoRoot();
        connector = new Properties();
        try (Reader in = Files.newBufferedReader(repo.resolve("deploy/debezium/clp-cdc.properties"))) {
            connector.load(in);
        }
        TestPostgres postgres = TestPostgres.get();
        for (String service : ServiceCatalog.CAPTURED_SCHEMAS) {
            migrate(postgres, repo, service);
        }
        // a month of campaign_metrics, as the first metrics batch of that month makes it: the publication reports its
        // changes under the partition's own name, so the connector must exclude partitions by name too
        try (Connection c = postgres.server().connect(TestPostgres.DATABASE); java.sql.Statement st = c.createStatement()) {
            st.execute("SELECT campaign.clp_ensure_metric_partitions('2026-01-01', '2026-01-31')");
        }
        Predicate<String> schemas = includes(connector.getProperty("schema.include.list"));
        Predicate<String> excludedTables = includes(connector.getProperty("table.exclude.list", ""));
        Predicate<String> excludedColumns = includes(connector.getProperty("column.exclude.list", ""));
        capturedTables = new ArrayList<>();
        columnsOfCapturedTables = new ArrayList<>();
        capturedColumns = new ArrayList<>();
        columnsOfAllTables = new ArrayList<>();
        relations = new ArrayList<>();
        try (Connection c = postgres.server().connect(TestPostgres.DATABASE)) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT table_schema, table_name FROM information_schema.tables")) {
                while (rs.next()) {
                    if (schemas.test(rs.getString(1))) {
                        relations.add(rs.getString(1) + "." + rs.getString(2));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                         SELECT c.table_schema, c.table_name, c.column_name
                         FROM information_schema.columns c
                         JOIN information_schema.tables t USING (table_schema, table_name)
                         WHERE t.table_type = 'BASE TABLE'
                         ORDER BY 1, 2, c.ordinal_position""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1) + "." + rs.getString(2);
                    if (schemas.test(rs.getString(1))) {
                        columnsOfAllTables.add(table + "." + rs.getString(3));
                    }
                    if (!schemas.test(rs.getString(1)) || excludedTables.test(table)) {
                        continue;
                    }
                    if (!capturedTables.contains(table)) {
                        capturedTables.add(table);
                    }
                    String column = table + "." + rs.getString(3);
                    columnsOfCapturedTables.add(column);
                    if (!excludedColumns.test(column)) {
                        capturedColumns.add(column);
                    }
                }
            }
        }
    }

    /** The service's schema and role as the launcher makes them, then its migrations as the service runs them. */
    private static void migrate(TestPostgres postgres, Path repo, String service) throws IOException {
        String password = postgres.prepareService(service);
        Path migrations = repo.resolve(ServiceCatalog.module(service)).resolve("src/main/resources/db/migration");
        if (!Files.isDirectory(migrations)) {
            throw new IOException("no migrations for " + service + " at " + migrations);
        }
        FluentConfiguration config = Flyway.configure()
                .dataSource(postgres.server().jdbcUrl(TestPostgres.DATABASE), postgres.role(service), password)
                .schemas(ServiceCatalog.schema(service))
                .defaultSchema(ServiceCatalog.schema(service))
                .createSchemas(false)
                .locations("classpath:db/platform", "filesystem:" + migrations);
        PlatformMigrations.applyBefore(config, List.of(PlatformMigrations.DEFAULT_LOCATION));
        config.load().migrate();
    }

    /**
     * Debezium's include/exclude list (io.debezium.function.Predicates): comma-separated (a comma
     * escaped as \,), each an anchored, case-insensitive regex. Debezium itself ships only as a
     * Connect plugin archive, so the few lines of its semantics are repeated here.
     */
    static Predicate<String> includes(String list) {
        List<Pattern> patterns = new ArrayList<>();
        for (String part : list.split("(?<!\\\\),")) {
            if (!part.isBlank()) {
                patterns.add(Pattern.compile(part.trim().replace("\\,", ","), Pattern.CASE_INSENSITIVE));
            }
        }
        return name -> patterns.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /**
     * The publication covers whole schemas (launcher DatabaseBootstrap: FOR TABLES IN SCHEMA), the tables the connector
     * excludes too: PostgreSQL refuses an UPDATE or DELETE on a published table without a replica identity, so every
     * table of a captured schema has a primary key (or another replica identity).
     */
    @Test
    void everyTableOfACapturedSchemaCanBeUpdatedAndDeletedUnderThePublication() throws Exception {
        List<String> without = new ArrayList<>();
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             ResultSet rs = c.createStatement().executeQuery("""
                     SELECT n.nspname || '.' || t.relname
                     FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                     WHERE t.relkind IN ('r', 'p') AND t.relreplident = 'd'
                       AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary)
                     ORDER BY 1""")) {
            while (rs.next()) {
                if (includes(connector.getProperty("schema.include.list")).test(rs.getString(1).split("\\.")[0])) {
                    without.add(rs.getString(1));
                }
            }
        }
        assertThat(without).isEmpty();
    }

    @Test
    void noCapturedColumnIsNamedForASecretUnlessItIsKnownNotToBeOne() {
        List<String> leaking = capturedColumns.stream()
                .filter(column -> SECRET_LOOKING.matcher(column.substring(column.lastIndexOf('.') + 1)).find())
                .filter(column -> !LOOKS_SECRET_BUT_IS_NOT.containsKey(column))
                .toList();
        assertThat(leaking)
                .as("captured by clp-cdc although the name suggests a secret: exclude them in "
                        + "deploy/debezium/clp-cdc.properties column.exclude.list, or, if they hold no secret, "
                        + "add them with the reason to LOOKS_SECRET_BUT_IS_NOT")
                .isEmpty();
    }

    @Test
    void columnsThatCanCarrySecretsAreNotCaptured() {
        assertThat(SECRET_BEARING.keySet().stream().filter(capturedColumns::contains).toList())
                .as("captured by clp-cdc although they can carry secrets").isEmpty();
        assertThat(columnsOfCapturedTables).containsAll(SECRET_BEARING.keySet());
    }

    @Test
    void theAllowListNamesOnlyCapturedColumns() {
        assertThat(capturedColumns).as("every allowed column exists and is captured; remove stale entries")
                .containsAll(LOOKS_SECRET_BUT_IS_NOT.keySet());
    }

    @Test
    void everyColumnExclusionMatchesARealColumn() {
        List<String> columns = columnsOfCapturedTables;
        for (String part : connector.getProperty("column.exclude.list").split("(?<!\\\\),")) {
            assertThat(columns.stream().anyMatch(includes(part)))
                    .as("column.exclude.list entry %s matches no column: a typo would leave a column captured", part)
                    .isTrue();
        }
    }

    @Test
    void theConnectorCapturesExactlyTheSchemasThisTestMigrates() {
        Predicate<String> schemas = includes(connector.getProperty("schema.include.list"));
        for (String service : ServiceCatalog.NAMES) {
            assertThat(schemas.test(ServiceCatalog.schema(service)))
                    .as("schema %s captured", service)
                    .isEqualTo(ServiceCatalog.CAPTURED_SCHEMAS.contains(service));
        }
    }

    @Test
    void everyTableTheTrailMapsToAPermissionIsACapturedTable() {
        List<String> mapped = new ArrayList<>();
        AuditedTables.READ_PERMISSION.forEach((service, tables) -> tables.keySet().forEach(t -> mapped.add(service + "." + t)));
        mapped.removeAll(AuditedTables.NO_LONGER_CAPTURED);
        assertThat(capturedTables).as("a mapped table that is not captured is a typo or a dropped table")
                .containsAll(mapped);
        assertThat(relations).as("tables no longer captured whose earlier entries stay readable exist (as tables, or as "
                        + "views of their rows' new home)")
                .containsAll(AuditedTables.NO_LONGER_CAPTURED);
    }

    @Test
    void theSyncsLeaseAndProgressAreNotCapturedWhileWhatARunIsAndHowItWentAre() {
        assertThat(capturedColumns).as("bookkeeping of the hierarchy sync (docs/audit-policy.md)").doesNotContain(
                "campaign.dsp_accounts.sync_lease_owner", "campaign.dsp_accounts.sync_lease_until",
                "campaign.sync_runs.checkpoint", "campaign.sync_runs.counts", "campaign.sync_runs.pages",
                "campaign.sync_runs.dsp_wait_ms", "campaign.sync_runs.write_ms", "campaign.sync_runs.heartbeat_at",
                "campaign.sync_runs.updated_at");
        assertThat(capturedColumns).as("the account and its sync outcome, the run's status, error and final counts").contains(
                "campaign.dsp_accounts.display_name", "campaign.dsp_accounts.is_active", "campaign.dsp_accounts.last_sync_at",
                "campaign.dsp_accounts.last_sync_status", "campaign.dsp_accounts.updated_at", "campaign.sync_runs.status",
                "campaign.sync_runs.error", "campaign.sync_runs.finished_at", "campaign.sync_runs.final_counts");
    }

    @Test
    void thePipelineExecutorsLeaseAndProgressAreNotCapturedWhileWhatAnExecutionIsAndHowItWentAre() {
        assertThat(capturedColumns).as("bookkeeping of the pipeline executor (docs/pipelines.md)").doesNotContain(
                "pipeline.etl_executions.lease_owner", "pipeline.etl_executions.lease_until",
                "pipeline.etl_executions.heartbeat_at", "pipeline.etl_executions.progress_stage",
                "pipeline.etl_executions.progress_rows", "pipeline.etl_executions.progress_at");
        assertThat(capturedColumns).as("the execution's status, stages, attempts and outcome").contains(
                "pipeline.etl_executions.status", "pipeline.etl_executions.bronze_status", "pipeline.etl_executions.gold_records",
                "pipeline.etl_executions.attempt", "pipeline.etl_executions.not_before", "pipeline.etl_executions.error_message",
                "pipeline.etl_executions.completed_at");
        assertThat(capturedColumns).as("a source object's header, whose size the file chooses").doesNotContain(
                "pipeline.ingestion_logs.header");
        assertThat(capturedColumns).as("what an execution read and how it went").contains(
                "pipeline.ingestion_logs.file_name", "pipeline.ingestion_logs.status", "pipeline.ingestion_logs.records_loaded",
                "pipeline.ingestion_logs.records_failed");
    }

    /**
     * With skip.messages.without.change, Debezium emits an update only when the captured columns' values differ between
     * the old and the new row; compared here on rows written by the sync's own statements (io.clp.campaign.sync.SyncStore),
     * against the real migrations, triggers included.
     */
    @Test
    void aLeaseRenewalOrAProgressWriteChangesNoCapturedValueWhileARunsEndAndTheAccountsOutcomeDo() throws SQLException {
        assertThat(connector.getProperty("skip.messages.without.change")).as("an update that changes no captured column is skipped")
                .isEqualTo("true");
        UUID org = TestOrganizations.known("campaign", UUID.randomUUID());
        UUID account = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE)) {
            execute(c, "INSERT INTO campaign.dsp_accounts (id, org_id, dsp_type, external_account_id, display_name) "
                    + "VALUES (?, ?, 'ttd', ?, 'Trade Desk')", account, org, "adv-" + account);
            // claimDue
            assertThat(changedBy(c, "campaign.dsp_accounts", account, "UPDATE campaign.dsp_accounts SET sync_lease_owner = 'i-1', "
                    + "sync_lease_until = now() + make_interval(secs => 120) WHERE id = ?", account)).as("lease taken").isEmpty();
            // begin
            execute(c, "INSERT INTO campaign.sync_runs (id, org_id, dsp_account_id, kind, trigger, status, started_at, heartbeat_at) "
                    + "VALUES (?, ?, ?, 'full', 'scheduled', 'running', now(), now())", run, org, account);
            assertThat(captured(c, "campaign.sync_runs", run)).contains(entry("status", "running"), entry("final_counts", null));
            for (int page = 1; page <= 2; page++) {
                // writePage
                assertThat(changedBy(c, "campaign.sync_runs", run, "UPDATE campaign.sync_runs SET checkpoint = ?::jsonb, "
                                + "counts = ?::jsonb, pages = ?, dsp_wait_ms = ?, write_ms = ?, heartbeat_at = now() WHERE id = ?",
                        "{\"level\": \"CAMPAIGN\", \"pageToken\": \"p" + page + "\"}", counts(page * 100), page, page * 40L,
                        page * 7L, run)).as("page written").isEmpty();
                // heartbeat
                assertThat(changedBy(c, "campaign.dsp_accounts", account, "UPDATE campaign.dsp_accounts a "
                        + "SET sync_lease_until = now() + make_interval(secs => 120) WHERE id = ? AND sync_lease_owner = 'i-1' "
                        + "AND sync_lease_until > now()", account)).as("lease renewed").isEmpty();
                assertThat(changedBy(c, "campaign.sync_runs", run, "UPDATE campaign.sync_runs SET heartbeat_at = now() WHERE id = ?",
                        run)).as("heartbeat").isEmpty();
            }
            // fail, transiently: the run ends with the counts it had; the account records the failure
            assertThat(changedBy(c, "campaign.sync_runs", run, "UPDATE campaign.sync_runs SET status = 'failed', finished_at = now(), "
                    + "error = '503 from the DSP', retryable = true, heartbeat_at = now() WHERE id = ?", run))
                    .containsOnlyKeys("status", "finished_at", "error", "retryable", "final_counts")
                    .containsEntry("final_counts", counts(200));
            assertThat(changedBy(c, "campaign.dsp_accounts", account, "UPDATE campaign.dsp_accounts SET last_sync_at = now(), "
                    + "last_sync_status = 'failed', sync_failures = sync_failures + 1, sync_lease_owner = NULL, "
                    + "sync_lease_until = NULL WHERE id = ?", account))
                    .containsKeys("last_sync_at", "last_sync_status", "sync_failures", "updated_at");
            // the next claim resumes it: running again, no final counts
            assertThat(changedBy(c, "campaign.dsp_accounts", account, "UPDATE campaign.dsp_accounts SET sync_lease_owner = 'i-2', "
                    + "sync_lease_until = now() + make_interval(secs => 120) WHERE id = ?", account)).as("lease taken").isEmpty();
            assertThat(changedBy(c, "campaign.sync_runs", run, "UPDATE campaign.sync_runs SET status = 'running', attempt = attempt + 1, "
                    + "retryable = false, error = NULL, finished_at = NULL, heartbeat_at = now() WHERE id = ?", run))
                    .containsOnlyKeys("status", "attempt", "retryable", "error", "finished_at", "final_counts")
                    .containsEntry("final_counts", null);
            assertThat(changedBy(c, "campaign.sync_runs", run, "UPDATE campaign.sync_runs SET checkpoint = ?::jsonb, "
                    + "counts = ?::jsonb, pages = 3, heartbeat_at = now() WHERE id = ?", "{\"level\": \"LINE_ITEM\"}", counts(300), run))
                    .as("page written").isEmpty();
            // succeed
            assertThat(changedBy(c, "campaign.sync_runs", run, "UPDATE campaign.sync_runs SET status = 'succeeded', finished_at = now(), "
                    + "counts = ?::jsonb, heartbeat_at = now(), checkpoint = '{\"level\": \"DONE\"}'::jsonb, retryable = false, "
                    + "error = NULL, dsp_wait_ms = 160, write_ms = 30 WHERE id = ?", counts(320), run))
                    .containsOnlyKeys("status", "finished_at", "final_counts")
                    .containsEntry("status", "succeeded").containsEntry("final_counts", counts(320));
            assertThat(changedBy(c, "campaign.dsp_accounts", account, "UPDATE campaign.dsp_accounts SET last_sync_at = now(), "
                    + "last_sync_status = 'succeeded', sync_error = NULL, sync_failures = 0, sync_lease_owner = NULL, "
                    + "sync_lease_until = NULL WHERE id = ?", account))
                    .containsKeys("last_sync_at", "last_sync_status", "sync_failures", "updated_at")
                    .containsEntry("last_sync_status", "succeeded");
            // a person's change of the account
            assertThat(changedBy(c, "campaign.dsp_accounts", account,
                    "UPDATE campaign.dsp_accounts SET display_name = 'Trade Desk EU' WHERE id = ?", account))
                    .containsOnlyKeys("display_name", "updated_at");
            // replacing the credentials (kept apart, not captured) touches the account row and nothing else: still a change
            assertThat(changedBy(c, "campaign.dsp_accounts", account,
                    "UPDATE campaign.dsp_accounts SET updated_at = updated_at WHERE id = ?", account))
                    .containsOnlyKeys("updated_at");
        }
    }

    private static String counts(int campaigns) {
        return "{\"CAMPAIGN\": {\"seen\": " + campaigns + ", \"changed\": 0, \"created\": " + campaigns + ", \"removed\": 0}}";
    }

    /** The captured columns whose values {@code sql} changed in the row, with their new values (as text). */
    private static Map<String, String> changedBy(Connection c, String table, UUID id, String sql, Object... args)
            throws SQLException {
        Map<String, String> before = captured(c, table, id);
        assertThat(execute(c, sql, args)).as(sql).isEqualTo(1);
        Map<String, String> after = captured(c, table, id);
        Map<String, String> changed = new TreeMap<>();
        after.forEach((column, value) -> {
            if (!java.util.Objects.equals(value, before.get(column))) {
                changed.put(column, value);
            }
        });
        return changed;
    }

    /** The row's values the connector streams: every column but the excluded ones. */
    private static Map<String, String> captured(Connection c, String table, UUID id) throws SQLException {
        Predicate<String> excluded = includes(connector.getProperty("column.exclude.list"));
        Map<String, String> values = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT j.key, j.value FROM " + table + " t, jsonb_each_text(to_jsonb(t)) j WHERE t.id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!excluded.test(table + "." + rs.getString(1))) {
                        values.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        assertThat(values).as("row %s of %s", id, table).isNotEmpty();
        return values;
    }

    private static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /** Tables whose rows are not audited one by one (docs/audit-policy.md), by the names such tables get. */
    private static final Pattern NOT_AUDITED_ROW_BY_ROW = Pattern.compile(
            "outbox|processed_event|inbox|parked|retr(y|ies)|dead_letter|dlq|_refs$|metrics$", Pattern.CASE_INSENSITIVE);

    @Test
    void bookkeepingReadModelsAndBulkMetricLoadsAreNotCaptured() {
        assertThat(capturedTables.stream()
                .filter(table -> NOT_AUDITED_ROW_BY_ROW.matcher(table.substring(table.indexOf('.') + 1)).find())
                .toList())
                .as("captured although the audit policy does not audit them row by row: bookkeeping, read models and "
                        + "bulk metric loads go into deploy/debezium/clp-cdc.properties table.exclude.list")
                .isEmpty();
        assertThat(capturedTables).as("no longer captured: bulk metric loads are audited as their execution")
                .doesNotContain("campaign.campaign_metrics", "pipeline.data_quality_metrics", "pipeline.dsp_account_refs",
                        "identity.outbox_event", "identity.processed_event");
        assertThat(capturedTables).as("campaign_metrics' month partitions are bulk metric loads too")
                .noneMatch(table -> table.startsWith("campaign.campaign_metrics"));
        assertThat(capturedTables).as("the execution that loaded the metrics, and the contexts that attribute changes")
                .contains("pipeline.etl_executions", "identity.transaction_context", "campaign.transaction_context");
    }
}
