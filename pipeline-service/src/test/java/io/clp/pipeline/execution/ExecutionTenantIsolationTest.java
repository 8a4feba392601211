package io.clp.pipeline.execution;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.TenantIsolationContract;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.UUID;

import static io.clp.pipeline.PipelineFixtures.execution;
import static io.clp.pipeline.PipelineFixtures.manual;
import static io.clp.pipeline.PipelineFixtures.organization;
import static io.clp.pipeline.PipelineFixtures.token;

/** Organization A's pipelines and executions, addressed through A's path or through the caller's own organization B. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class ExecutionTenantIsolationTest extends TenantIsolationContract<ExecutionTenantIsolationTest.OrgA> {

    private static UUID orgB;

    record OrgA(UUID id, UUID pipelineId, UUID executionId, UUID failedId) {
    }

    private static UUID orgB() {
        if (orgB == null) {
            orgB = organization();
        }
        return orgB;
    }

    @Override
    protected OrgA organizationA() {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        return new OrgA(orgId, pipeline, execution(pipeline, "scheduled", "pending"), execution(pipeline, "scheduled", "failed"));
    }

    @Override
    protected String memberOfAnotherOrganization() {
        return token(orgB(), "admin");
    }

    @Override
    protected List<Endpoint<OrgA>> endpoints() {
        return List.of(
                new Endpoint<>("POST runs", (r, a) -> r.post(inA(a) + "/runs")),
                new Endpoint<>("POST runs in B", (r, a) -> r.post(inB(a) + "/runs")),
                new Endpoint<>("POST backfill", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"from\": \"2026-01-01\", \"to\": \"2026-01-03\"}").post(inA(a) + "/backfill")),
                new Endpoint<>("POST backfill in B", (r, a) -> r.contentType(ContentType.JSON)
                        .body("{\"from\": \"2026-01-01\", \"to\": \"2026-01-03\"}").post(inB(a) + "/backfill")),
                new Endpoint<>("GET executions", (r, a) -> r.get(inA(a) + "/executions")),
                new Endpoint<>("GET executions in B", (r, a) -> r.get(inB(a) + "/executions")),
                new Endpoint<>("GET execution", (r, a) -> r.get(inA(a) + "/executions/" + a.executionId())),
                new Endpoint<>("GET execution in B", (r, a) -> r.get(inB(a) + "/executions/" + a.executionId())),
                new Endpoint<>("POST cancel", (r, a) -> r.post(inA(a) + "/executions/" + a.executionId() + "/cancel")),
                new Endpoint<>("POST cancel in B", (r, a) -> r.post(inB(a) + "/executions/" + a.executionId() + "/cancel")),
                new Endpoint<>("POST retry", (r, a) -> r.post(inA(a) + "/executions/" + a.failedId() + "/retry")),
                new Endpoint<>("POST retry in B", (r, a) -> r.post(inB(a) + "/executions/" + a.failedId() + "/retry")),
                new Endpoint<>("GET events", (r, a) -> r.accept("text/event-stream").get(inA(a) + "/executions/" + a.executionId() + "/events")),
                new Endpoint<>("GET events in B", (r, a) -> r.accept("text/event-stream").get(inB(a) + "/executions/" + a.executionId() + "/events")),
                new Endpoint<>("GET health", (r, a) -> r.get(inA(a) + "/health")),
                new Endpoint<>("GET health in B", (r, a) -> r.get(inB(a) + "/health")),
                new Endpoint<>("GET pipeline-health", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/pipeline-health")));
    }

    private static String inA(OrgA a) {
        return "/api/v1/organizations/" + a.id() + "/pipelines/" + a.pipelineId();
    }

    private static String inB(OrgA a) {
        return "/api/v1/organizations/" + orgB() + "/pipelines/" + a.pipelineId();
    }

    @Override
    protected String fingerprint(OrgA a) {
        return TestDatabase.text("""
                SELECT p.total_executions || '/' || coalesce(p.last_execution_id::text, '-') || '/'
                       || (SELECT string_agg(e.id || ':' || e.status || ':' || e.retry_count || ':' || coalesce(e.completed_at::text, '-'), ',' ORDER BY e.id)
                           FROM pipeline.etl_executions e WHERE e.pipeline_id = p.id)
                FROM pipeline.pipelines p WHERE p.id = ?
                """, a.pipelineId());
    }
}
