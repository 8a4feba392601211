package io.clp.pipeline.pipeline;

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

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class PipelineResourceTest {

    private static Response post(Org org, Object body) {
        return given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(body).post(org.pipelines());
    }

    private static Response patch(Org org, String id, Object body) {
        return given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(body).patch(org.pipelines() + "/" + id);
    }

    private static long usage(UUID templateId) {
        return TestDatabase.count("SELECT usage_count FROM pipeline.templates WHERE id = ?", templateId);
    }

    @Test
    void aPipelineFromATemplateMergesItsParamsOverTheDefaultsAndCountsAUse() {
        Org org = PipelineFixtures.org("developer");
        UUID template = PipelineFixtures.template(org.id(), "Source");
        UUID account = PipelineFixtures.dspAccount(org.id(), "dv360", true);
        String id = post(org, Map.of("name", "Daily DV360", "templateId", template, "params", Map.of("region", "eu"),
                "dspAccountId", account, "scheduleType", "cron", "scheduleCron", "0 6 * * *", "scheduleTimezone", "Europe/Paris",
                "status", "active", "lookbackDays", 5, "retry", Map.of("maxAttempts", 4)))
                .then().statusCode(201)
                .body("templateId", equalTo(template.toString())).body("connectorType", equalTo("dv360"))
                .body("config.template.version", equalTo(1)).body("config.params.region", equalTo("eu"))
                .body("config.params.lookbackDays", equalTo(5)).body("lookbackDays", equalTo(5))
                .body("retry.maxAttempts", equalTo(4)).body("retry.backoffSeconds", equalTo(60))
                .body("status", equalTo("active")).body("nextRunAt", notNullValue())
                .extract().path("id");
        assertThat(usage(template)).isEqualTo(1);
        assertThat(TestDatabase.text("SELECT to_char(next_run_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') FROM pipeline.pipelines WHERE id = ?",
                UUID.fromString(id))).isEqualTo("06:00");

        // a public template's counter moves too, though the organization cannot otherwise write it
        long before = usage(PipelineFixtures.CSV_TEMPLATE);
        post(org, Map.of("name", "Files", "templateId", PipelineFixtures.CSV_TEMPLATE,
                "params", Map.of("source", Map.of("kind", "s3", "prefix", "daily/")))).then().statusCode(201)
                .body("config.params.unknownEntities", equalTo("reject")).body("nextRunAt", nullValue());
        assertThat(usage(PipelineFixtures.CSV_TEMPLATE)).isEqualTo(before + 1);
    }

    @Test
    void theCsvTemplateReadsOnlyRelativePathsInsideTheOrganizationsOwnArea() {
        Org org = PipelineFixtures.org("admin");
        int n = 0;
        for (Map<String, Object> source : List.<Map<String, Object>>of(
                Map.of("kind", "directory", "path", "/etc"),
                Map.of("kind", "directory", "path", "../other-org/drops"),
                Map.of("kind", "directory", "path", "daily/../../x"),
                Map.of("kind", "directory", "path", "daily/.."),
                Map.of("kind", "directory", "path", "daily\\..\\x"),
                Map.of("kind", "directory", "path", ""),
                Map.of("kind", "s3", "bucket", "another-tenant", "prefix", "daily/"),
                Map.of("kind", "s3", "prefix", "/daily"),
                Map.of("kind", "s3", "prefix", "a/../../b"))) {
            post(org, Map.of("name", "Refused " + n++, "templateId", PipelineFixtures.CSV_TEMPLATE, "params", Map.of("source", source)))
                    .then().statusCode(422).body("type", equalTo("urn:clp:problem:unprocessable"));
        }
        for (Map<String, Object> source : List.<Map<String, Object>>of(
                Map.of("kind", "directory", "path", "daily"),
                Map.of("kind", "directory", "path", "exports/daily..v2/"),
                Map.of("kind", "s3", "prefix", "exports/daily/"))) {
            post(org, Map.of("name", "Accepted " + n++, "templateId", PipelineFixtures.CSV_TEMPLATE, "params", Map.of("source", source)))
                    .then().statusCode(201);
        }
    }

    @Test
    void paramsTheSchemaRefusesAreNamedByTheirPath() {
        Org org = PipelineFixtures.org("admin");
        UUID template = PipelineFixtures.template(org.id(), "Strict");
        post(org, Map.of("name", "Bad", "templateId", template, "params", Map.of("region", "mars", "advertiserIds", List.of("1", "x"))))
                .then().statusCode(422).contentType("application/problem+json").body("type", equalTo("urn:clp:problem:unprocessable"))
                .body("errors.field", hasItem("params.region")).body("errors.field", hasItem("params.advertiserIds[1]"));
        post(org, Map.of("name", "Missing", "templateId", template, "params", Map.of()))
                .then().statusCode(422).body("errors.field", hasItem("params.region"));
        post(org, Map.of("name", "Csv", "templateId", PipelineFixtures.CSV_TEMPLATE,
                "params", Map.of("source", Map.of("kind", "ftp"), "unknownEntities", "ignore")))
                .then().statusCode(422).body("errors.field", hasItem("params.unknownEntities"));
        assertThat(usage(template)).isZero();
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.pipelines WHERE org_id = ?", org.id())).isZero();
    }

    @Test
    void aBarePipelineTakesAConnectorAndItsConfig() {
        Org org = PipelineFixtures.org("admin");
        post(org, Map.of("name", "Bare", "connectorType", "custom_sftp", "config", Map.of("host", "files.example.com"),
                "scheduleType", "interval", "scheduleIntervalMinutes", 60, "status", "active"))
                .then().statusCode(201).body("templateId", nullValue()).body("connectorType", equalTo("custom_sftp"))
                .body("config.host", equalTo("files.example.com")).body("scheduleType", equalTo("interval"))
                .body("nextRunAt", notNullValue()).body("lookbackDays", equalTo(2));
        post(org, Map.of("name", "Bare", "connectorType", "custom_sftp")).then().statusCode(409)
                .body("type", equalTo("urn:clp:problem:pipeline-name-taken"));
        String other = post(org, Map.of("name", "Other", "connectorType", "custom")).then().statusCode(201).extract().path("id");
        patch(org, other, Map.of("name", "Bare")).then().statusCode(409).body("type", equalTo("urn:clp:problem:pipeline-name-taken"));
        post(org, Map.of("name", "Neither")).then().statusCode(400).body("errors.field", hasItem("connectorType"));
        post(org, Map.of("name", "Both", "templateId", PipelineFixtures.CSV_TEMPLATE, "connectorType", "x")).then().statusCode(400);
    }

    @Test
    void aDspAccountMustBeAnActiveOneOfTheOrganization() {
        Org org = PipelineFixtures.org("admin");
        Org other = PipelineFixtures.org("admin");
        UUID inactive = PipelineFixtures.dspAccount(org.id(), "meta", false);
        UUID othersAccount = PipelineFixtures.dspAccount(other.id(), "meta", true);
        for (UUID account : List.of(UUID.randomUUID(), inactive, othersAccount)) {
            post(org, Map.of("name", "P " + account, "connectorType", "meta", "dspAccountId", account)).then().statusCode(422)
                    .body("type", equalTo("urn:clp:problem:unprocessable")).body("errors[0].field", equalTo("dspAccountId"))
                    .body("errors[0].message", equalTo("is not an active DSP account of the organization"));
        }
        // the template's DSP and the account's must agree
        UUID meta = PipelineFixtures.dspAccount(org.id(), "meta", true);
        post(org, Map.of("name", "Mismatch", "templateId", PipelineFixtures.DV360_TEMPLATE, "dspAccountId", meta))
                .then().statusCode(422).body("errors[0].field", equalTo("dspAccountId"));
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.pipelines WHERE org_id = ?", org.id())).isZero();
    }

    @Test
    void scheduleErrorsNameTheirField() {
        Org org = PipelineFixtures.org("admin");
        Map<String, Map<String, Object>> cases = Map.of(
                "scheduleCron", Map.of("scheduleType", "cron", "scheduleCron", "every day"),
                "scheduleIntervalMinutes", Map.of("scheduleType", "interval", "scheduleIntervalMinutes", 1),
                "scheduleTimezone", Map.of("scheduleType", "cron", "scheduleCron", "0 6 * * *", "scheduleTimezone", "Mars/Olympus"),
                "scheduleType", Map.of("scheduleType", "hourly"));
        cases.forEach((field, schedule) -> {
            Map<String, Object> body = new HashMap<>(schedule);
            body.put("name", "S " + field);
            body.put("connectorType", "custom");
            post(org, body).then().statusCode(422).body("errors[0].field", equalTo(field));
        });
        post(org, Map.of("name", "Far", "connectorType", "custom", "lookbackDays", 91)).then().statusCode(400)
                .body("errors.field", hasItem("lookbackDays"));
        post(org, Map.of("name", "Retry", "connectorType", "custom", "retry", Map.of("maxAttempts", 11))).then().statusCode(400);
    }

    @Test
    void pausingClearsTheNextRunAndResumingComputesItFromNow() {
        Org org = PipelineFixtures.org("developer");
        String id = post(org, Map.of("name", "Hourly", "connectorType", "custom", "scheduleType", "interval",
                "scheduleIntervalMinutes", 60, "status", "active")).then().statusCode(201).extract().path("id");
        patch(org, id, Map.of("status", "paused")).then().statusCode(200).body("status", equalTo("paused")).body("nextRunAt", nullValue());
        Instant resumedAt = Instant.now();
        String next = patch(org, id, Map.of("status", "active")).then().statusCode(200).body("status", equalTo("active"))
                .extract().path("nextRunAt");
        assertThat(Instant.parse(next)).isBetween(resumedAt.plus(Duration.ofMinutes(59)), resumedAt.plus(Duration.ofMinutes(61)));
        // a schedule change moves the next run
        patch(org, id, Map.of("scheduleType", "manual")).then().statusCode(200).body("scheduleType", equalTo("manual"))
                .body("scheduleIntervalMinutes", nullValue()).body("nextRunAt", nullValue());
        patch(org, id, Map.of("scheduleType", "cron", "scheduleCron", "30 2 * * *", "scheduleTimezone", "America/New_York"))
                .then().statusCode(200).body("nextRunAt", notNullValue()).body("scheduleTimezone", equalTo("America/New_York"));
        patch(org, id, Map.of("scheduleCron", "61 2 * * *")).then().statusCode(422).body("errors[0].field", equalTo("scheduleCron"));
        patch(org, id, Map.of()).then().statusCode(400);
    }

    @Test
    void reactivatingAPipelineTheSchedulerFailedClearsItsReasonAndSchedulesItAgain() {
        Org org = PipelineFixtures.org("developer");
        String id = post(org, Map.of("name", "Failed by the scheduler", "connectorType", "custom", "scheduleType", "interval",
                "scheduleIntervalMinutes", 30, "status", "active")).then().statusCode(201).extract().path("id");
        // what the scheduler leaves when it cannot read a stored schedule
        TestDatabase.execute("UPDATE pipeline.pipelines SET status = 'failed', status_reason = 'unreadable schedule', next_run_at = NULL "
                + "WHERE id = ?", UUID.fromString(id));
        given().auth().oauth2(org.token()).get(org.pipelines() + "/" + id).then().statusCode(200)
                .body("status", equalTo("failed")).body("statusReason", equalTo("unreadable schedule"));
        patch(org, id, Map.of("status", "active")).then().statusCode(200)
                .body("status", equalTo("active")).body("statusReason", nullValue()).body("nextRunAt", notNullValue());
        assertThat(TestDatabase.text("SELECT status_reason FROM pipeline.pipelines WHERE id = ?", UUID.fromString(id))).isNull();
    }

    @Test
    void newParamsAreValidatedAgainstTheTemplateVersionThePipelineWasMadeFrom() {
        Org org = PipelineFixtures.org("admin");
        UUID template = PipelineFixtures.template(org.id(), "Versioned");
        String id = post(org, Map.of("name", "From v1", "templateId", template, "params", Map.of("region", "eu"),
                "dspAccountId", PipelineFixtures.dspAccount(org.id(), "dv360", true)))
                .then().statusCode(201).extract().path("id");
        // v2 accepts any region; the pipeline still follows v1
        Map<String, Object> v2 = new HashMap<>(PipelineFixtures.templateBody("Versioned v2"));
        v2.put("inputSchema", Map.of("type", "object", "properties", Map.of("region", Map.of("type", "string"))));
        v2.put("defaultParams", Map.of());
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(v2).put(org.templates() + "/" + template)
                .then().statusCode(201);
        patch(org, id, Map.of("params", Map.of("region", "apac"))).then().statusCode(422).body("errors.field", hasItem("params.region"));
        patch(org, id, Map.of("params", Map.of("region", "us"), "name", "Renamed", "lookbackDays", 10)).then().statusCode(200)
                .body("config.params.region", equalTo("us")).body("name", equalTo("Renamed")).body("lookbackDays", equalTo(10))
                .body("config.template.id", equalTo(template.toString()));
    }

    @Test
    void listsFilterAndPageAndDeleteRemoves() {
        Org org = PipelineFixtures.org("admin");
        UUID account = PipelineFixtures.dspAccount(org.id(), "ttd", true);
        for (int i = 0; i < 3; i++) {
            post(org, Map.of("name", "L" + i, "connectorType", "ttd", "dspAccountId", account, "status", i == 0 ? "active" : "draft"))
                    .then().statusCode(201);
        }
        String first = given().auth().oauth2(org.token()).get(org.pipelines() + "?limit=2").then().statusCode(200)
                .body("items.size()", equalTo(2)).body("items[0].name", equalTo("L0")).extract().path("nextCursor");
        given().auth().oauth2(org.token()).get(org.pipelines() + "?limit=2&cursor=" + first).then().statusCode(200)
                .body("items.name", equalTo(List.of("L2"))).body("nextCursor", nullValue());
        given().auth().oauth2(org.token()).get(org.pipelines() + "?status=active").then().body("items.name", equalTo(List.of("L0")));
        given().auth().oauth2(org.token()).get(org.pipelines() + "?dspAccountId=" + account).then().body("items.size()", equalTo(3));
        given().auth().oauth2(org.token()).get(org.pipelines() + "?status=running").then().statusCode(400);
        String id = given().auth().oauth2(org.token()).get(org.pipelines() + "?status=active").then().extract().path("items[0].id");
        given().auth().oauth2(org.token()).delete(org.pipelines() + "/" + id).then().statusCode(204);
        given().auth().oauth2(org.token()).get(org.pipelines() + "/" + id).then().statusCode(404)
                .body("type", equalTo("urn:clp:problem:not-found"));
    }

    @Test
    void malformedJsonAndWrongTypesAreProblems() {
        Org org = PipelineFixtures.org("admin");
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body("{not json").post(org.pipelines())
                .then().statusCode(400).contentType("application/problem+json").body("type", equalTo("urn:clp:problem:malformed-request"));
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body("{\"name\": \"x\", \"lookbackDays\": \"many\"}")
                .post(org.pipelines()).then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:validation"));
        given().auth().oauth2(org.token()).contentType(ContentType.JSON).body("{\"name\": \"x\", \"templateId\": \"not-a-uuid\"}")
                .post(org.pipelines()).then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aPipelineTheQuotaRefusesCountsNoUseOfItsTemplate() {
        UUID orgId = io.clp.testing.TestOrganizations.known("pipeline", UUID.randomUUID(), "free");
        Org org = new Org(orgId, io.clp.testing.TestTokens.User.member(orgId, "admin"));
        UUID template = PipelineFixtures.template(orgId, "Counted");
        UUID account = PipelineFixtures.dspAccount(orgId, "dv360", true);
        for (int i = 0; i < 5; i++) {
            post(org, Map.of("name", "Q" + i, "templateId", template, "params", Map.of("region", "eu"), "dspAccountId", account))
                    .then().statusCode(201);
        }
        post(org, Map.of("name", "Q5", "templateId", template, "params", Map.of("region", "eu"), "dspAccountId", account)).then().statusCode(409)
                .body("type", equalTo("urn:clp:problem:quota-exceeded"));
        assertThat(usage(template)).isEqualTo(5);
    }

    @Test
    void paramsAreOnlyForPipelinesMadeFromATemplate() {
        Org org = PipelineFixtures.org("admin");
        String id = post(org, Map.of("name", "Bare", "connectorType", "custom")).then().statusCode(201).extract().path("id");
        patch(org, id, Map.of("params", Map.of("region", "eu"))).then().statusCode(400).body("errors[0].field", equalTo("params"));
        post(org, Map.of("name", "Bare params", "connectorType", "custom", "params", Map.of())).then().statusCode(400)
                .body("errors[0].field", equalTo("params"));
        patch(org, id, Map.of("status", "paused")).then().statusCode(409);
    }

    @Test
    void twoRequestsRacingForANameAreAnsweredPipelineNameTaken() throws Exception {
        Org org = PipelineFixtures.org("admin");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 3; round++) {
                String name = "Raced " + round;
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return post(org, Map.of("name", name, "connectorType", "custom"));
                    }));
                }
                start.countDown();
                int created = 0;
                for (java.util.concurrent.Future<Response> answer : answers) {
                    Response r = answer.get();
                    if (r.statusCode() == 201) {
                        created++;
                    } else {
                        assertThat(r.statusCode()).isEqualTo(409);
                        assertThat(r.jsonPath().getString("type")).isEqualTo("urn:clp:problem:pipeline-name-taken");
                    }
                }
                assertThat(created).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCronScheduleMayNotTickMoreOftenThanTheMinimumInterval() {
        Org org = PipelineFixtures.org("admin");
        for (String cron : List.of("* * * * *", "*/2 * * * *", "0,1 6 * * *")) {
            post(org, Map.of("name", "Busy " + cron, "connectorType", "custom", "scheduleType", "cron", "scheduleCron", cron))
                    .then().statusCode(422).body("errors.field", hasItem("scheduleCron"));
        }
        String id = post(org, Map.of("name", "Calm", "connectorType", "custom", "scheduleType", "cron", "scheduleCron", "*/5 * * * *"))
                .then().statusCode(201).extract().path("id");
        patch(org, id, Map.of("scheduleCron", "* * * * *")).then().statusCode(422).body("errors.field", hasItem("scheduleCron"));
        // longer than the column, though a valid expression: refused as a validation error, not a failure to store it
        String cron = "0,10,20,30,40,50 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23 1,2,3,4,5,6,7,8,9,10,11,12 * *";
        assertThat(cron.length()).isGreaterThan(100);
        post(org, Map.of("name", "Long", "connectorType", "custom", "scheduleType", "cron", "scheduleCron", cron))
                .then().statusCode(400).body("errors.field", hasItem("scheduleCron"));
        patch(org, id, Map.of("scheduleCron", cron)).then().statusCode(400).body("errors.field", hasItem("scheduleCron"));
    }

    @Test
    void everyActivationChecksTheDspAccountAndADspPipelineNamesAnAccountOfItsDsp() {
        Org org = PipelineFixtures.org("admin");
        UUID template = PipelineFixtures.template(org.id(), "Needs account");
        post(org, Map.of("name", "No account", "templateId", template, "params", Map.of("region", "eu")))
                .then().statusCode(422).body("errors.field", hasItem("dspAccountId"));
        UUID ttd = PipelineFixtures.dspAccount(org.id(), "ttd", true);
        post(org, Map.of("name", "Wrong bare", "connectorType", "dv360", "dspAccountId", ttd))
                .then().statusCode(422).body("errors.field", hasItem("dspAccountId"));
        post(org, Map.of("name", "Right bare", "connectorType", "ttd", "dspAccountId", ttd)).then().statusCode(201);

        UUID account = PipelineFixtures.dspAccount(org.id(), "dv360", true);
        String id = post(org, Map.of("name", "Activated later", "templateId", template, "params", Map.of("region", "eu"),
                "dspAccountId", account, "scheduleType", "interval", "scheduleIntervalMinutes", 60))
                .then().statusCode(201).body("status", equalTo("draft")).extract().path("id");
        TestDatabase.execute("UPDATE pipeline.dsp_account_refs SET is_active = false WHERE id = ?", account);
        patch(org, id, Map.of("status", "active")).then().statusCode(422).body("errors.field", hasItem("dspAccountId"));
        TestDatabase.execute("UPDATE pipeline.dsp_account_refs SET is_active = true, deleted_at = now() WHERE id = ?", account);
        patch(org, id, Map.of("status", "active")).then().statusCode(422).body("errors.field", hasItem("dspAccountId"));
        TestDatabase.execute("UPDATE pipeline.dsp_account_refs SET deleted_at = NULL WHERE id = ?", account);
        patch(org, id, Map.of("status", "active")).then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void aTemplatePipelinesLookBackFollowsItsParamsAndStaysInStep() {
        Org org = PipelineFixtures.org("admin");
        UUID template = PipelineFixtures.template(org.id(), "Look-back");
        UUID account = PipelineFixtures.dspAccount(org.id(), "dv360", true);
        // the template's default (3), not the API's (2)
        String id = post(org, Map.of("name", "Default", "templateId", template, "params", Map.of("region", "eu"), "dspAccountId", account))
                .then().statusCode(201).body("lookbackDays", equalTo(3)).body("config.params.lookbackDays", equalTo(3)).extract().path("id");
        post(org, Map.of("name", "Param", "templateId", template, "params", Map.of("region", "eu", "lookbackDays", 9), "dspAccountId", account))
                .then().statusCode(201).body("lookbackDays", equalTo(9)).body("config.params.lookbackDays", equalTo(9));
        post(org, Map.of("name", "Both", "templateId", template, "params", Map.of("region", "eu", "lookbackDays", 9),
                "lookbackDays", 4, "dspAccountId", account)).then().statusCode(422).body("errors.field", hasItem("lookbackDays"));
        patch(org, id, Map.of("lookbackDays", 6)).then().statusCode(200)
                .body("lookbackDays", equalTo(6)).body("config.params.lookbackDays", equalTo(6));
        patch(org, id, Map.of("params", Map.of("region", "us", "lookbackDays", 8))).then().statusCode(200)
                .body("lookbackDays", equalTo(8)).body("config.params.lookbackDays", equalTo(8));
        // new params without a look-back keep the pipeline's, not the template's default (3)
        patch(org, id, Map.of("params", Map.of("region", "eu"))).then().statusCode(200)
                .body("lookbackDays", equalTo(8)).body("config.params.lookbackDays", equalTo(8));
    }

    @Test
    void aLookBackChangeIsHeldToTheTemplatesInputSchema() {
        Org org = PipelineFixtures.org("admin");
        Map<String, Object> body = new HashMap<>(PipelineFixtures.templateBody("Short look-back"));
        body.put("inputSchema", Map.of("type", "object", "properties",
                Map.of("region", Map.of("type", "string"), "lookbackDays", Map.of("type", "integer", "minimum", 0, "maximum", 30))));
        body.put("defaultParams", Map.of("lookbackDays", 3));
        UUID template = UUID.fromString(given().auth().oauth2(org.token()).contentType(ContentType.JSON).body(body)
                .post(org.templates()).then().statusCode(201).extract().path("id"));
        UUID account = PipelineFixtures.dspAccount(org.id(), "dv360", true);
        String id = post(org, Map.of("name", "Short", "templateId", template, "dspAccountId", account))
                .then().statusCode(201).body("lookbackDays", equalTo(3)).extract().path("id");
        patch(org, id, Map.of("lookbackDays", 60)).then().statusCode(422).body("errors.field", hasItem("lookbackDays"));
        given().auth().oauth2(org.token()).get(org.pipelines() + "/" + id).then().statusCode(200)
                .body("lookbackDays", equalTo(3)).body("config.params.lookbackDays", equalTo(3));
        patch(org, id, Map.of("lookbackDays", 30)).then().statusCode(200)
                .body("lookbackDays", equalTo(30)).body("config.params.lookbackDays", equalTo(30));
    }
}
