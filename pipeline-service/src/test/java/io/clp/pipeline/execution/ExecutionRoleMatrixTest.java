package io.clp.pipeline.execution;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.RoleMatrixContract;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.UUID;

import static io.clp.pipeline.PipelineFixtures.execution;
import static io.clp.pipeline.PipelineFixtures.manual;
import static io.clp.pipeline.PipelineFixtures.organization;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class ExecutionRoleMatrixTest extends RoleMatrixContract<ExecutionRoleMatrixTest.Fixture> {

    record Fixture(UUID orgId, UUID pipelineId, UUID executionId, UUID failedId, String token) {
        String path() {
            return "/api/v1/organizations/" + orgId + "/pipelines/" + pipelineId;
        }
    }

    @Override
    protected Fixture fixture(Role role) {
        UUID orgId = organization();
        UUID pipeline = manual(orgId, "active");
        return new Fixture(orgId, pipeline, execution(pipeline, "scheduled", "pending"), execution(pipeline, "scheduled", "failed"),
                io.clp.pipeline.PipelineFixtures.token(orgId, role.id()));
    }

    @Override
    protected String token(Fixture fixture) {
        return fixture.token();
    }

    @Override
    protected List<Endpoint<Fixture>> endpoints() {
        return List.of(
                new Endpoint<>("run a pipeline now", Permission.PIPELINE_EXECUTE, (r, f) -> r.post(f.path() + "/runs")),
                new Endpoint<>("backfill a pipeline", Permission.PIPELINE_EXECUTE, (r, f) -> r.contentType(ContentType.JSON)
                        .body("{\"from\": \"2026-01-01\", \"to\": \"2026-01-03\"}").post(f.path() + "/backfill")),
                new Endpoint<>("cancel an execution", Permission.PIPELINE_EXECUTE,
                        (r, f) -> r.post(f.path() + "/executions/" + f.executionId() + "/cancel")),
                new Endpoint<>("list executions", Permission.PIPELINE_READ, (r, f) -> r.get(f.path() + "/executions")),
                new Endpoint<>("read an execution", Permission.PIPELINE_READ,
                        (r, f) -> r.get(f.path() + "/executions/" + f.executionId())),
                new Endpoint<>("retry a failed execution", Permission.PIPELINE_EXECUTE,
                        (r, f) -> r.post(f.path() + "/executions/" + f.failedId() + "/retry")),
                new Endpoint<>("follow an execution's events", Permission.PIPELINE_READ,
                        (r, f) -> r.accept("text/event-stream").get(f.path() + "/executions/" + f.failedId() + "/events")),
                new Endpoint<>("read a pipeline's health", Permission.PIPELINE_READ, (r, f) -> r.get(f.path() + "/health")),
                new Endpoint<>("list pipeline health", Permission.PIPELINE_READ,
                        (r, f) -> r.get("/api/v1/organizations/" + f.orgId() + "/pipeline-health")));
    }
}
