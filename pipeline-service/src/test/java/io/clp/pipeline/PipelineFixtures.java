package io.clp.pipeline;

import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.restassured.http.ContentType;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/**
 * Organizations, DSP accounts, templates and pipelines the pipeline-service tests work on: through the API, or written
 * straight to the database as the API would leave them (for the scheduler and executions tests).
 */
public final class PipelineFixtures {

    /** CLP's public DV360 and CSV templates (migration V5). */
    public static final UUID DV360_TEMPLATE = UUID.fromString("7c1e0a55-0d01-4b7e-9a51-000000000001");
    public static final UUID CSV_TEMPLATE = UUID.fromString("7c1e0a55-0d01-4b7e-9a51-000000000006");

    private PipelineFixtures() {
    }

    /** A known organization and a member of it in {@code role}. */
    public record Org(UUID id, User user) {
        public String token() {
            return TestTokens.token(user);
        }

        public String templates() {
            return "/api/v1/organizations/" + id + "/templates";
        }

        public String pipelines() {
            return "/api/v1/organizations/" + id + "/pipelines";
        }
    }

    public static Org org(String role) {
        UUID orgId = TestOrganizations.known("pipeline", UUID.randomUUID());
        return new Org(orgId, User.member(orgId, role));
    }

    /** A DSP account of the organization as the read model knows it (as campaign-service's events would leave it). */
    public static UUID dspAccount(UUID orgId, String dspType, boolean active) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO pipeline.dsp_account_refs (id, org_id, dsp_type, display_name, is_active) "
                + "VALUES (?, ?, CAST(? AS pipeline.dsp_type), 'Account', ?)", id, orgId, dspType, active);
        return id;
    }

    public static Map<String, Object> schema() {
        return Map.of("type", "object", "additionalProperties", false, "required", List.of("region"),
                "properties", Map.of("region", Map.of("type", "string", "enum", List.of("eu", "us")),
                        "advertiserIds", Map.of("type", "array", "items", Map.of("type", "string", "pattern", "^[0-9]+$")),
                        "lookbackDays", Map.of("type", "integer", "minimum", 0, "maximum", 90)));
    }

    public static Map<String, Object> templateBody(String name) {
        return Map.of("name", name, "description", "A report", "category", "performance", "templateType", "dsp_daily_report",
                "dspType", "dv360", "config", Map.of("report", "daily"), "defaultParams", Map.of("lookbackDays", 3),
                "inputSchema", schema());
    }

    /** An own template of the organization, created through the API by an admin; its id. */
    public static UUID template(UUID orgId, String name) {
        User admin = User.member(orgId, "admin");
        return UUID.fromString(given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON).body(templateBody(name))
                .post("/api/v1/organizations/" + orgId + "/templates").then().statusCode(201).extract().path("id"));
    }

    /** A bare pipeline of the organization, created through the API by an admin; its id. */
    public static UUID pipeline(UUID orgId, String name) {
        User admin = User.member(orgId, "admin");
        return UUID.fromString(given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body(Map.of("name", name, "connectorType", "custom", "config", Map.of("a", 1)))
                .post("/api/v1/organizations/" + orgId + "/pipelines").then().statusCode(201).extract().path("id"));
    }

    /** A new organization the service knows. */
    public static UUID organization() {
        return TestOrganizations.known("pipeline", UUID.randomUUID());
    }

    public static String token(UUID orgId, String role) {
        return TestTokens.token(User.member(orgId, role));
    }

    /** An active pipeline on a cron schedule, next due at {@code nextRunAt}. */
    public static UUID cron(UUID orgId, String cron, String timezone, Instant nextRunAt, int lookbackDays) {
        return insert(orgId, "active", "cron", cron, null, timezone, nextRunAt, lookbackDays);
    }

    /** An active pipeline every {@code minutes}, next due at {@code nextRunAt}. */
    public static UUID interval(UUID orgId, int minutes, Instant nextRunAt) {
        return insert(orgId, "active", "interval", null, minutes, "UTC", nextRunAt, 2);
    }

    /** A pipeline run by hand only, in {@code status}. */
    public static UUID manual(UUID orgId, String status) {
        return insert(orgId, status, "manual", null, null, "UTC", null, 2);
    }

    public static UUID insert(UUID orgId, String status, String type, String cron, Integer minutes, String timezone,
                              Instant nextRunAt, int lookbackDays) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("""
                INSERT INTO pipeline.pipelines (id, org_id, name, schedule_type, schedule_cron, schedule_interval_minutes,
                                                schedule_timezone, status, next_run_at, lookback_days)
                VALUES (?, ?, ?, ?, CAST(? AS varchar), CAST(? AS integer), ?, ?, CAST(? AS timestamptz), ?)
                """, id, orgId, "pipeline " + id, type, cron, minutes, timezone, status,
                nextRunAt == null ? null : OffsetDateTime.ofInstant(nextRunAt, ZoneOffset.UTC), lookbackDays);
        return id;
    }

    /** An execution of the pipeline in {@code status}. */
    public static UUID execution(UUID pipelineId, String type, String status) {
        UUID id = UUID.randomUUID();
        TestDatabase.execute("""
                INSERT INTO pipeline.etl_executions (id, pipeline_id, org_id, execution_type, status, data_from, data_to,
                                                     bronze_status, bronze_records, bronze_size_bytes, bronze_duration_ms)
                SELECT ?, id, org_id, ?, ?, DATE '2026-11-01', DATE '2026-11-02', 'completed', 1200, 65536, 830
                FROM pipeline.pipelines WHERE id = ?
                """, id, type, status, pipelineId);
        return id;
    }

    public static long executions(UUID pipelineId) {
        return TestDatabase.count("SELECT count(*) FROM pipeline.etl_executions WHERE pipeline_id = ?", pipelineId);
    }

    public static String column(UUID pipelineId, String column) {
        return TestDatabase.text("SELECT " + column + "::text FROM pipeline.pipelines WHERE id = ?", pipelineId);
    }
}
