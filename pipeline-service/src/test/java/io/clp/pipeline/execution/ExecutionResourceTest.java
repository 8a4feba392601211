package io.clp.pipeline.execution;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.pipeline.PipelineFixtures.column;
import static io.clp.pipeline.PipelineFixtures.execution;
import static io.clp.pipeline.PipelineFixtures.executions;
import static io.clp.pipeline.PipelineFixtures.manual;
import static io.clp.pipeline.PipelineFixtures.organization;
import static io.clp.pipeline.PipelineFixtures.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class ExecutionResourceTest {

    private static RequestSpecification as(UUID orgId, String role) {
        return given().auth().oauth2(token(orgId, role));
    }

    private static String pipelinePath(UUID orgId, UUID pipelineId) {
        return "/api/v1/organizations/" + orgId + "/pipelines/" + pipelineId;
    }

    @Test
    void runNowAnswers202WithThePendingManualExecutionAndItsDefaultWindowThenRefusesASecond() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "paused");
        TestDatabase.execute("UPDATE pipeline.pipelines SET schedule_timezone = 'Pacific/Auckland', lookback_days = 3 WHERE id = ?",
                pipeline);
        LocalDate today = LocalDate.now(ZoneId.of("Pacific/Auckland"));

        Response first = as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/runs");
        first.then().statusCode(202)
                .header("Location", containsString("/executions/"))
                .body("executionType", equalTo("manual"))
                .body("status", equalTo("pending"))
                .body("dataTo", equalTo(today.minusDays(1).toString()))
                .body("dataFrom", equalTo(today.minusDays(4).toString()))
                .body("config.lookbackDays", equalTo(3));
        String id = first.path("id");
        assertThat(column(pipeline, "last_execution_id")).isEqualTo(id);
        assertThat(column(pipeline, "total_executions")).isEqualTo("1");

        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2026-01-01", "to", "2026-01-31"))
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:execution-in-progress"))
                .body("detail", containsString(id));
        assertThat(executions(pipeline)).isEqualTo(1);
    }

    @Test
    void runNowRequestedTwiceAtOnceCreatesOneExecution() throws Exception {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        String token = token(orgId, "admin");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> given().auth().oauth2(token).post(pipelinePath(orgId, pipeline) + "/runs").statusCode()));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var call : calls) {
                statuses.add(call.get());
            }
            assertThat(statuses).containsOnly(202, 409).containsOnlyOnce(202);
        } finally {
            pool.shutdownNow();
        }
        assertThat(executions(pipeline)).isEqualTo(1);
        assertThat(column(pipeline, "total_executions")).isEqualTo("1");
    }

    @Test
    void runNowTakesTheWindowFromTheBodyAndRunsADraftPipeline() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "draft");

        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2026-01-01", "to", "2026-01-31"))
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(202)
                .body("dataFrom", equalTo("2026-01-01"))
                .body("dataTo", equalTo("2026-01-31"));
    }

    @Test
    void runNowRefusesABadWindowAndBadJsonWithProblems() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");

        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2026-02-01", "to", "2026-01-31"))
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(400).body("type", equalTo("urn:clp:problem:validation"))
                .body("errors.field", hasItem("to"));
        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2026-02-01"))
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(400).body("errors.field", hasItem("to"));
        as(orgId, "admin").contentType(ContentType.JSON).body("{\"from\": ")
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(400).contentType("application/problem+json");
        as(orgId, "admin").contentType(ContentType.JSON).body("{\"from\": \"yesterday\", \"to\": 5}")
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(400).body("type", equalTo("urn:clp:problem:validation"));
        as(orgId, "admin").contentType(ContentType.JSON).body("{\"from\": \"2026-01-01\", \"to\": \"2026-01-02\", \"days\": 3}")
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(400).body("errors.field", hasItem("days"));
        as(orgId, "admin").contentType(ContentType.TEXT).body("{\"from\": \"2026-01-01\", \"to\": \"2026-01-02\"}")
                .post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(415).body("type", equalTo("urn:clp:problem:unsupported-media-type"));
        as(orgId, "admin").contentType(ContentType.JSON).body("{\"from\": \"2026-01-01\", \"to\": \"2026-01-02\", \"days\": 3}")
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(400).body("errors.field", hasItem("days"));
        assertThat(executions(pipeline)).isZero();
    }

    @Test
    void runNowAndBackfillRefuseAHugeAFutureAndAnAncientWindowWithFieldErrors() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        LocalDate today = LocalDate.now(ZoneId.of("UTC"));
        for (String path : List.of("/runs", "/backfill")) {
            as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "0001-01-01", "to", "9999-12-31"))
                    .post(pipelinePath(orgId, pipeline) + path)
                    .then().statusCode(400).body("type", equalTo("urn:clp:problem:validation"))
                    .body("errors.field", hasItems("from", "to"));
            as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", today.toString(), "to", today.plusDays(2).toString()))
                    .post(pipelinePath(orgId, pipeline) + path)
                    .then().statusCode(400).body("errors.field", hasItem("to"));
            as(orgId, "admin").contentType(ContentType.JSON)
                    .body(Map.of("from", today.minusDays(1200).toString(), "to", today.minusDays(1190).toString()))
                    .post(pipelinePath(orgId, pipeline) + path)
                    .then().statusCode(400).body("errors.field", hasItem("from"));
            as(orgId, "admin").contentType(ContentType.JSON).body("{\"from\": \"-999999999-01-01\", \"to\": \"+999999999-12-31\"}")
                    .post(pipelinePath(orgId, pipeline) + path)
                    .then().statusCode(400).contentType("application/problem+json");
        }
        assertThat(executions(pipeline)).isZero();
    }

    @Test
    void aBackfillThatWouldExceedAThousandPendingExecutionsIsRefusedNamingTheLimit() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        TestDatabase.execute("""
                INSERT INTO pipeline.etl_executions (pipeline_id, org_id, execution_type, status, data_from, data_to)
                SELECT p.id, p.org_id, 'backfill', 'pending', d::date, d::date
                FROM pipeline.pipelines p, generate_series(current_date - 1000, current_date - 101, interval '1 day') d
                WHERE p.id = ?
                """, pipeline);
        LocalDate today = LocalDate.now(ZoneId.of("UTC"));

        as(orgId, "admin").contentType(ContentType.JSON)
                .body(Map.of("from", today.minusDays(200).toString(), "to", today.minusDays(1).toString()))
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("1000")).body("detail", containsString("900"));
        as(orgId, "admin").contentType(ContentType.JSON)
                .body(Map.of("from", today.minusDays(100).toString(), "to", today.minusDays(1).toString()))
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(202).body("created", equalTo(100));
    }

    @Test
    void anInactivePipelineIsNotFound() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        TestDatabase.execute("UPDATE pipeline.pipelines SET is_active = false WHERE id = ?", pipeline);

        as(orgId, "admin").post(pipelinePath(orgId, pipeline) + "/runs")
                .then().statusCode(404).body("type", equalTo("urn:clp:problem:not-found"));
        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2026-01-01", "to", "2026-01-02"))
                .post(pipelinePath(orgId, pipeline) + "/backfill").then().statusCode(404);
        assertThat(executions(pipeline)).isZero();
    }

    @Test
    void backfillCreatesOneDailyExecutionPerDayAndSkipsDaysAlreadyPending() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        TestDatabase.execute("UPDATE pipeline.pipelines SET config = '{\"backfillConcurrency\": 3}' WHERE id = ?", pipeline);

        Response first = as(orgId, "developer").contentType(ContentType.JSON)
                .body(Map.of("from", "2026-01-01", "to", "2026-01-10"))
                .post(pipelinePath(orgId, pipeline) + "/backfill");
        first.then().statusCode(202)
                .body("days", equalTo(10))
                .body("created", equalTo(10))
                .body("executionIds", hasSize(10))
                .body("backfillConcurrency", equalTo(3));
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.etl_executions WHERE pipeline_id = ? "
                + "AND execution_type = 'backfill' AND status = 'pending' AND data_from = data_to "
                + "AND data_from BETWEEN DATE '2026-01-01' AND DATE '2026-01-10'", pipeline)).isEqualTo(10);

        as(orgId, "developer").contentType(ContentType.JSON).body(Map.of("from", "2026-01-08", "to", "2026-01-12"))
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(202)
                .body("days", equalTo(5))
                .body("created", equalTo(2))
                .body("executionIds", hasSize(2));
        assertThat(executions(pipeline)).isEqualTo(12);
        assertThat(TestDatabase.count("SELECT count(DISTINCT data_from) FROM pipeline.etl_executions WHERE pipeline_id = ?",
                pipeline)).isEqualTo(12);
        assertThat(column(pipeline, "total_executions")).isEqualTo("12");
    }

    @Test
    void aBackfillDefaultsToTwoAtATime() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2026-01-01", "to", "2026-01-01"))
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(202).body("created", equalTo(1)).body("backfillConcurrency", equalTo(2));
    }

    @Test
    void backfillRefusesMoreThanAYearTheFutureAndAReversedRangeWithFieldErrors() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        String tomorrow = LocalDate.now(ZoneId.of("UTC")).plusDays(2).toString();

        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("from", "2025-01-01", "to", "2026-01-02"),
                Map.of("from", "2026-01-01", "to", tomorrow),
                Map.of("from", "2026-01-10", "to", "2026-01-01"))) {
            as(orgId, "admin").contentType(ContentType.JSON).body(body).post(pipelinePath(orgId, pipeline) + "/backfill")
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:clp:problem:validation"))
                    .body("errors.field", hasItem("to"));
        }
        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("to", "2026-01-01"))
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(400).body("errors.field", hasItem("from"));
        as(orgId, "admin").contentType(ContentType.JSON).body("{\"from\": \"2026-01-01\", \"to\": [1]}")
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(400).contentType("application/problem+json");
        as(orgId, "admin").contentType(ContentType.JSON).body("not json")
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(400).contentType("application/problem+json");
        assertThat(executions(pipeline)).isZero();

        // exactly 366 days is allowed
        as(orgId, "admin").contentType(ContentType.JSON).body(Map.of("from", "2025-01-01", "to", "2026-01-01"))
                .post(pipelinePath(orgId, pipeline) + "/backfill")
                .then().statusCode(202).body("created", equalTo(366));
    }

    @Test
    void executionsAreListedNewestFirstPagedAndFiltered() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID older = execution(pipeline, "scheduled", "completed");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET created_at = now() - interval '1 hour' WHERE id = ?", older);
        UUID failed = execution(pipeline, "backfill", "failed");
        TestDatabase.execute("UPDATE pipeline.etl_executions SET created_at = now() - interval '30 minutes' WHERE id = ?", failed);
        UUID newest = execution(pipeline, "manual", "running");

        Response page1 = as(orgId, "viewer").get(pipelinePath(orgId, pipeline) + "/executions?limit=2");
        page1.then().statusCode(200)
                .body("items.id", equalTo(List.of(newest.toString(), failed.toString())))
                .body("nextCursor", notNullValue());
        as(orgId, "viewer").get(pipelinePath(orgId, pipeline) + "/executions?limit=2&cursor=" + page1.path("nextCursor"))
                .then().statusCode(200)
                .body("items.id", equalTo(List.of(older.toString())))
                .body("nextCursor", nullValue());
        as(orgId, "viewer").get(pipelinePath(orgId, pipeline) + "/executions?status=failed")
                .then().statusCode(200).body("items.id", equalTo(List.of(failed.toString())));
        as(orgId, "viewer").get(pipelinePath(orgId, pipeline) + "/executions?type=scheduled")
                .then().statusCode(200).body("items.id", equalTo(List.of(older.toString())));
        as(orgId, "viewer").get(pipelinePath(orgId, pipeline) + "/executions?status=done")
                .then().statusCode(400).body("errors.field", hasItem("status"));
    }

    @Test
    void anExecutionIsReadWithItsStagesAndWindow() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID execution = execution(pipeline, "scheduled", "running");

        as(orgId, "analyst").get(pipelinePath(orgId, pipeline) + "/executions/" + execution)
                .then().statusCode(200)
                .body("id", equalTo(execution.toString()))
                .body("pipelineId", equalTo(pipeline.toString()))
                .body("dataFrom", equalTo("2026-11-01"))
                .body("dataTo", equalTo("2026-11-02"))
                .body("stages.bronze.status", equalTo("completed"))
                .body("stages.bronze.records", equalTo(1200))
                .body("stages.bronze.sizeBytes", equalTo(65536))
                .body("stages.bronze.durationMs", equalTo(830))
                .body("stages.silver.status", nullValue());
        as(orgId, "analyst").get(pipelinePath(orgId, pipeline) + "/executions/" + UUID.randomUUID())
                .then().statusCode(404);
        // an execution of another pipeline of the same organization is not this pipeline's
        UUID other = manual(orgId, "active");
        as(orgId, "analyst").get(pipelinePath(orgId, other) + "/executions/" + execution).then().statusCode(404);
    }

    @Test
    void aPendingOrRunningExecutionIsCancelledAndAFinishedOneIsNot() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        UUID running = execution(pipeline, "manual", "running");
        UUID completed = execution(pipeline, "scheduled", "completed");

        UUID pending = execution(pipeline, "backfill", "pending");
        as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/executions/" + pending + "/cancel")
                .then().statusCode(200).body("status", equalTo("cancelled")).body("completedAt", notNullValue());
        as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/executions/" + pending + "/cancel")
                .then().statusCode(200).body("status", equalTo("cancelled"));

        // a running execution is asked to stop: it stays running, holding its slot, until its executor stops
        String requestedAt = as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/executions/" + running + "/cancel")
                .then().statusCode(200).body("status", equalTo("running")).body("cancelRequestedAt", notNullValue())
                .body("completedAt", nullValue()).extract().path("cancelRequestedAt");
        as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/executions/" + running + "/cancel")
                .then().statusCode(200).body("status", equalTo("running")).body("cancelRequestedAt", equalTo(requestedAt));
        as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/runs").then().statusCode(409);
        // the executor stops it
        TestDatabase.execute("UPDATE pipeline.etl_executions SET status = 'cancelled', completed_at = now() "
                + "WHERE id = ? AND status = 'running'", running);
        as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/executions/" + completed + "/cancel")
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:execution-finished"));
        assertThat(TestDatabase.text("SELECT status FROM pipeline.etl_executions WHERE id = ?", completed)).isEqualTo("completed");

        // the cancelled manual run no longer blocks a new one
        as(orgId, "developer").post(pipelinePath(orgId, pipeline) + "/runs").then().statusCode(202);
    }

    @Test
    void pipelineHealthIsTheOrganizationsLivePipelines() {
        UUID orgId = organization();
        UUID first = manual(orgId, "active");
        UUID second = manual(orgId, "paused");
        UUID deleted = manual(orgId, "active");
        TestDatabase.execute("UPDATE pipeline.pipelines SET is_active = false WHERE id = ?", deleted);
        TestDatabase.execute("UPDATE pipeline.pipelines SET total_executions = 4, successful_executions = 3, "
                + "created_at = now() - interval '1 day' WHERE id = ?", first);
        UUID elsewhere = manual(organization(), "active");

        Response page1 = as(orgId, "viewer").get("/api/v1/organizations/" + orgId + "/pipeline-health?limit=1");
        page1.then().statusCode(200).body("items.pipelineId", equalTo(List.of(second.toString())))
                .body("nextCursor", notNullValue());
        as(orgId, "viewer").get("/api/v1/organizations/" + orgId + "/pipeline-health?limit=1&cursor=" + page1.path("nextCursor"))
                .then().statusCode(200).body("items.pipelineId", equalTo(List.of(first.toString())))
                .body("items[0].successRate", equalTo(75.0f))
                .body("nextCursor", nullValue());
        as(orgId, "viewer").get(pipelinePath(orgId, first) + "/health")
                .then().statusCode(200).body("totalExecutions", equalTo(4)).body("status", equalTo("active"));
        as(orgId, "viewer").get(pipelinePath(orgId, deleted) + "/health").then().statusCode(404);
        as(orgId, "viewer").get(pipelinePath(orgId, elsewhere) + "/health").then().statusCode(404);
    }
}
