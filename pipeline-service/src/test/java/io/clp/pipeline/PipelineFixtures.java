package io.clp.pipeline;

import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Organizations, DSP accounts and templates the pipeline-service tests work on. */
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
}
