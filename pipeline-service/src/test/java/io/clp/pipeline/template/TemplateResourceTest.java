package io.clp.pipeline.template;

import io.clp.pipeline.PipelineFixtures;
import io.clp.pipeline.PipelineFixtures.Org;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class TemplateResourceTest {

    private static Response post(Org org, Object body) {
        return given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(body).post(org.templates());
    }

    private static List<String> listedIds(Org org, String query) {
        return given().auth().oauth2(org.token()).get(org.templates() + "?limit=200" + query)
                .then().statusCode(200).extract().path("items.id");
    }

    @Test
    void createsATemplateWithInputsDerivedFromItsSchema() {
        Org org = PipelineFixtures.org("developer");
        post(org, PipelineFixtures.templateBody("Daily")).then().statusCode(201)
                .body("version", equalTo(1)).body("isPublic", equalTo(false)).body("organizationId", equalTo(org.id().toString()))
                .body("requiredInputs", equalTo(List.of("region")))
                .body("optionalInputs", equalTo(List.of("advertiserIds", "lookbackDays")))
                .body("usageCount", equalTo(0)).body("parentTemplateId", nullValue());
    }

    @Test
    void anEditWritesTheNextVersionAndTheListShowsOnlyTheLatest() {
        Org org = PipelineFixtures.org("admin");
        String v1 = post(org, PipelineFixtures.templateBody("Lineage")).then().statusCode(201).extract().path("id");
        Map<String, Object> changed = new HashMap<>(PipelineFixtures.templateBody("Lineage v2"));
        String v2 = given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(changed).put(org.templates() + "/" + v1)
                .then().statusCode(201).body("version", equalTo(2)).body("parentTemplateId", equalTo(v1))
                .body("rootTemplateId", equalTo(v1)).body("name", equalTo("Lineage v2")).extract().path("id");
        String v3 = given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(changed).put(org.templates() + "/" + v2)
                .then().statusCode(201).body("version", equalTo(3)).body("parentTemplateId", equalTo(v2))
                .body("rootTemplateId", equalTo(v1)).extract().path("id");

        given().auth().oauth2(org.token()).get(org.templates() + "/" + v1).then().statusCode(200)
                .body("active", equalTo(false)).body("name", equalTo("Lineage"));
        List<String> listed = listedIds(org, "");
        assertThat(listed).contains(v3).doesNotContain(v1, v2);
        // only the lineage's active version can be edited
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(changed).put(org.templates() + "/" + v1)
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:not-latest-version"));
    }

    @Test
    void deletingDeactivatesTheLineageSoTheListNoLongerShowsIt() {
        Org org = PipelineFixtures.org("developer");
        String v1 = post(org, PipelineFixtures.templateBody("Doomed")).then().statusCode(201).extract().path("id");
        given().auth().oauth2(org.token()).delete(org.templates() + "/" + v1).then().statusCode(204);
        assertThat(listedIds(org, "")).doesNotContain(v1);
        given().auth().oauth2(org.token()).get(org.templates() + "/" + v1).then().statusCode(200).body("active", equalTo(false));
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.templates WHERE id = ?", UUID.fromString(v1))).isEqualTo(1);
    }

    @Test
    void publicTemplatesAreListedAndReadableButReadOnly() {
        Org org = PipelineFixtures.org("admin");
        List<String> listed = listedIds(org, "&dspType=dv360");
        assertThat(listed).contains(PipelineFixtures.DV360_TEMPLATE.toString());
        assertThat(listedIds(org, "&templateType=csv_daily_file")).containsExactly(PipelineFixtures.CSV_TEMPLATE.toString());
        assertThat(listedIds(org, "&category=file_import")).contains(PipelineFixtures.CSV_TEMPLATE.toString())
                .doesNotContain(PipelineFixtures.DV360_TEMPLATE.toString());
        given().auth().oauth2(org.token()).get(org.templates() + "/" + PipelineFixtures.CSV_TEMPLATE).then().statusCode(200)
                .body("isPublic", equalTo(true)).body("requiredInputs", equalTo(List.of("source")))
                .body("inputSchema.properties.unknownEntities.enum", equalTo(List.of("create", "reject")));

        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(PipelineFixtures.templateBody("Mine now"))
                .put(org.templates() + "/" + PipelineFixtures.DV360_TEMPLATE).then().statusCode(403)
                .body("type", equalTo("urn:clp:problem:forbidden"));
        given().auth().oauth2(org.token()).delete(org.templates() + "/" + PipelineFixtures.DV360_TEMPLATE).then().statusCode(403);
        assertThat(TestDatabase.text("SELECT name || '/' || is_active || '/' || version FROM pipeline.templates WHERE id = ?",
                PipelineFixtures.DV360_TEMPLATE)).isEqualTo("DV360 daily performance/true/1");
    }

    @Test
    void everyShippedTemplateHasAUsableSchemaAndDefaultsItAccepts() {
        Org org = PipelineFixtures.org("viewer");
        List<Map<String, Object>> items = given().auth().oauth2(org.token()).get(org.templates() + "?limit=200")
                .then().statusCode(200).extract().path("items.findAll { it.isPublic }");
        assertThat(items).hasSizeGreaterThanOrEqualTo(6);
        assertThat(items).extracting(t -> t.get("dspType")).contains("dv360", "ttd", "meta", "amazon", "google_ads");
        for (Map<String, Object> t : items) {
            @SuppressWarnings("unchecked")
            Map<String, Object> schema = (Map<String, Object>) t.get("inputSchema");
            @SuppressWarnings("unchecked")
            Map<String, Object> defaults = (Map<String, Object>) t.get("defaultParams");
            assertThat(InputSchema.check("inputSchema", schema)).as("%s", t.get("name")).isEmpty();
            assertThat(InputSchema.validate("defaultParams", InputSchema.withoutRequired(schema), defaults)).as("%s", t.get("name")).isEmpty();
        }
    }

    @Test
    void anInvalidSchemaIsRefusedNamingTheField() {
        Org org = PipelineFixtures.org("admin");
        Map<String, Object> body = new HashMap<>(PipelineFixtures.templateBody("Broken"));
        body.put("inputSchema", Map.of("type", "object", "properties", Map.of("region", Map.of("type", 7))));
        post(org, body).then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:unprocessable")).body("errors.field", hasItem("inputSchema.properties.region.type"));
        body.put("inputSchema", Map.of("type", "array"));
        post(org, body).then().statusCode(422).body("errors.field", hasItem("inputSchema.type"));
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.templates WHERE org_id = ?", org.id())).isZero();
    }

    @Test
    void aSchemaIsOnlyCheckedOnceTheCallerMayWriteTheTemplate() {
        Map<String, Object> body = new HashMap<>(PipelineFixtures.templateBody("Not yours"));
        body.put("inputSchema", Map.of("type", "array"));
        Org viewer = PipelineFixtures.org("viewer");
        post(viewer, body).then().statusCode(403).body("type", equalTo("urn:clp:problem:forbidden"));
        Org admin = PipelineFixtures.org("admin");
        String id = post(admin, PipelineFixtures.templateBody("Theirs")).then().statusCode(201).extract().path("id");
        // another organization's member: the template is not found, whatever the body
        given().auth().oauth2(viewer.token()).contentType(ContentType.JSON).body(body)
                .put(admin.templates() + "/" + id).then().statusCode(404);
        given().auth().oauth2(viewer.token()).contentType(ContentType.JSON).body(body)
                .put(viewer.templates() + "/" + id).then().statusCode(404);
    }

    @Test
    void aBacktrackingPatternIsMatchedAndAnUnsupportedOneRefused() {
        Org org = PipelineFixtures.org("admin");
        Map<String, Object> body = new HashMap<>(PipelineFixtures.templateBody("Regex"));
        body.put("inputSchema", Map.of("type", "object", "properties", Map.of("code", Map.of("type", "string", "pattern", "^(a|aa)+$"))));
        body.put("defaultParams", Map.of("code", "a".repeat(40) + "b"));
        post(org, body).then().statusCode(422).body("errors.field", hasItem("defaultParams.code"));
        body.put("defaultParams", Map.of("code", "a".repeat(40)));
        post(org, body).then().statusCode(201);
        body.put("inputSchema", Map.of("type", "object", "properties", Map.of("code", Map.of("type", "string", "pattern", "(?<=a)b"))));
        body.put("defaultParams", Map.of());
        post(org, body).then().statusCode(422).body("errors.field", hasItem("inputSchema.properties.code.pattern"));
        body.put("inputSchema", Map.of("type", "object"));
        body.put("config", Map.of("blob", "x".repeat(InputSchema.MAX_VALUE_BYTES)));
        post(org, body).then().statusCode(422).body("errors.field", hasItem("config"));
    }

    @Test
    void onlyAnActiveVersionIsCountedAndALineageHasOneActiveVersion() {
        Org org = PipelineFixtures.org("admin");
        String v1 = post(org, PipelineFixtures.templateBody("Counted")).then().statusCode(201).extract().path("id");
        String v2 = given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(PipelineFixtures.templateBody("Counted"))
                .put(org.templates() + "/" + v1).then().statusCode(201).extract().path("id");
        // a pipeline racing the edit reaches the counter after it: the superseded version counts nothing
        assertThat(TestDatabase.count("SELECT pipeline.count_template_use(?)", UUID.fromString(v1))).isZero();
        assertThat(TestDatabase.count("SELECT usage_count FROM pipeline.templates WHERE id = ?", UUID.fromString(v1))).isZero();
        assertThat(TestDatabase.count("SELECT pipeline.count_template_use(?)", UUID.fromString(v2))).isEqualTo(1);
        assertThatThrownBy(() -> TestDatabase.execute("UPDATE pipeline.templates SET is_active = true WHERE id = ?", UUID.fromString(v1)))
                .hasMessageContaining("uq_templates_one_active");
        assertThat(TestDatabase.text("SELECT array_to_string(proconfig, ',') FROM pg_proc WHERE proname = 'count_template_use'"))
                .contains("search_path=pipeline");
    }

    @Test
    void aUseOfATemplateDoesNotMoveItsUpdatedAt() {
        Org org = PipelineFixtures.org("admin");
        String before = TestDatabase.text("SELECT updated_at::text FROM pipeline.templates WHERE id = ?", PipelineFixtures.CSV_TEMPLATE);
        long uses = TestDatabase.count("SELECT usage_count FROM pipeline.templates WHERE id = ?", PipelineFixtures.CSV_TEMPLATE);
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(Map.of("name", "Uses csv", "templateId",
                PipelineFixtures.CSV_TEMPLATE, "params", Map.of("source", Map.of("kind", "directory", "path", "daily"))))
                .post(org.pipelines()).then().statusCode(201);
        assertThat(TestDatabase.count("SELECT usage_count FROM pipeline.templates WHERE id = ?", PipelineFixtures.CSV_TEMPLATE)).isEqualTo(uses + 1);
        assertThat(TestDatabase.text("SELECT updated_at::text FROM pipeline.templates WHERE id = ?", PipelineFixtures.CSV_TEMPLATE)).isEqualTo(before);
    }

    @Test
    void defaultParamsMustSatisfyTheSchema() {
        Org org = PipelineFixtures.org("admin");
        Map<String, Object> body = new HashMap<>(PipelineFixtures.templateBody("Bad defaults"));
        body.put("defaultParams", Map.of("lookbackDays", 400));
        post(org, body).then().statusCode(422).body("errors.field", hasItem("defaultParams.lookbackDays"));
    }

    @Test
    void malformedJsonAndWrongTypesAreProblems() {
        Org org = PipelineFixtures.org("admin");
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body("{not json").post(org.templates())
                .then().statusCode(400).contentType("application/problem+json").body("type", equalTo("urn:clp:problem:malformed-request"));
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body("{\"name\": \"x\", \"templateType\": \"t\", \"inputSchema\": 5}")
                .post(org.templates()).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:validation"));
        given().auth().oauth2(org.token()).get(org.templates() + "?dspType=myspace").then().statusCode(400)
                .body("errors.field", hasItem("dspType"));
    }

    @Test
    void anotherOrganizationsTemplateIsNotFoundThroughOnesOwnOrganization() {
        Org a = PipelineFixtures.org("admin");
        Org b = PipelineFixtures.org("admin");
        UUID aTemplate = PipelineFixtures.template(a.id(), "Private");
        given().auth().oauth2(b.token()).get(b.templates() + "/" + aTemplate).then().statusCode(404)
                .body("type", equalTo("urn:clp:problem:not-found"));
        given().auth().oauth2(b.token()).contentType(ContentType.JSON).body(PipelineFixtures.templateBody("Taken"))
                .put(b.templates() + "/" + aTemplate).then().statusCode(404);
        given().auth().oauth2(b.token()).delete(b.templates() + "/" + aTemplate).then().statusCode(404);
        assertThat(listedIds(b, "")).doesNotContain(aTemplate.toString());
        given().auth().oauth2(b.token()).contentType(ContentType.JSON)
                .body(Map.of("name", "Borrowed", "templateId", aTemplate, "params", Map.of("region", "eu"))).post(b.pipelines())
                .then().statusCode(422).body("errors[0].field", equalTo("templateId"));
        UUID aPipeline = PipelineFixtures.pipeline(a.id(), "Private");
        given().auth().oauth2(b.token()).get(b.pipelines() + "/" + aPipeline).then().statusCode(404);
        given().auth().oauth2(b.token()).contentType(ContentType.JSON).body(Map.of("status", "active"))
                .patch(b.pipelines() + "/" + aPipeline).then().statusCode(404);
        given().auth().oauth2(b.token()).delete(b.pipelines() + "/" + aPipeline).then().statusCode(404);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.pipelines WHERE id = ? AND status = 'draft'", aPipeline)).isEqualTo(1);
        assertThat(TestDatabase.text("SELECT name || is_active FROM pipeline.templates WHERE id = ?", aTemplate)).isEqualTo("Privatetrue");
    }

    @Test
    void theListIsPagedByCursor() {
        Org org = PipelineFixtures.org("admin");
        for (int i = 0; i < 3; i++) {
            PipelineFixtures.template(org.id(), "Paged " + i);
        }
        String cursor = given().auth().oauth2(org.token()).get(org.templates() + "?templateType=dsp_daily_report&dspType=dv360&limit=2")
                .then().statusCode(200).extract().path("nextCursor");
        List<String> seen = new java.util.ArrayList<>(given().auth().oauth2(org.token())
                .get(org.templates() + "?templateType=dsp_daily_report&dspType=dv360&limit=2").then().extract().path("items.name"));
        while (cursor != null) {
            io.restassured.path.json.JsonPath page = given().auth().oauth2(org.token())
                    .get(org.templates() + "?templateType=dsp_daily_report&dspType=dv360&limit=2&cursor=" + cursor)
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.name"));
            cursor = page.getString("nextCursor");
        }
        assertThat(seen).containsExactly("DV360 daily performance", "Paged 0", "Paged 1", "Paged 2");
        given().auth().oauth2(org.token()).get(org.templates() + "?cursor=garbage").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }
}
