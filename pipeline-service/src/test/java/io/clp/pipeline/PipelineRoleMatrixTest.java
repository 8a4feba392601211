package io.clp.pipeline;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.RoleMatrixContract;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.Map;
import java.util.UUID;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class PipelineRoleMatrixTest extends RoleMatrixContract<PipelineRoleMatrixTest.Fixture> {

    record Fixture(UUID orgId, UUID templateId, UUID pipelineId, User caller) {
    }

    @Override
    protected Fixture fixture(Role role) {
        UUID orgId = TestOrganizations.known("pipeline", UUID.randomUUID());
        return new Fixture(orgId, PipelineFixtures.template(orgId, "Matrix"), PipelineFixtures.pipeline(orgId, "Matrix"),
                User.member(orgId, role.id()));
    }

    @Override
    protected String token(Fixture fixture) {
        return TestTokens.token(fixture.caller());
    }

    private static String templates(Fixture f) {
        return "/api/v1/organizations/" + f.orgId() + "/templates";
    }

    private static String pipelines(Fixture f) {
        return "/api/v1/organizations/" + f.orgId() + "/pipelines";
    }

    @Override
    protected List<Endpoint<Fixture>> endpoints() {
        return List.of(
                new Endpoint<>("list templates", Permission.TEMPLATE_READ, (r, f) -> r.get(templates(f))),
                new Endpoint<>("read a template", Permission.TEMPLATE_READ, (r, f) -> r.get(templates(f) + "/" + f.templateId())),
                new Endpoint<>("read a public template", Permission.TEMPLATE_READ,
                        (r, f) -> r.get(templates(f) + "/" + PipelineFixtures.CSV_TEMPLATE)),
                new Endpoint<>("create a template", Permission.TEMPLATE_CREATE,
                        (r, f) -> r.contentType(ContentType.JSON).body(PipelineFixtures.templateBody("New")).post(templates(f))),
                new Endpoint<>("edit a template", Permission.TEMPLATE_UPDATE,
                        (r, f) -> r.contentType(ContentType.JSON).body(PipelineFixtures.templateBody("Edited"))
                                .put(templates(f) + "/" + f.templateId())),
                new Endpoint<>("delete a template", Permission.TEMPLATE_DELETE, (r, f) -> r.delete(templates(f) + "/" + f.templateId())),
                new Endpoint<>("list pipelines", Permission.PIPELINE_READ, (r, f) -> r.get(pipelines(f))),
                new Endpoint<>("read a pipeline", Permission.PIPELINE_READ, (r, f) -> r.get(pipelines(f) + "/" + f.pipelineId())),
                new Endpoint<>("create a pipeline from a template", Permission.PIPELINE_CREATE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("name", "New", "templateId", f.templateId(),
                                "params", Map.of("region", "eu"), "dspAccountId", PipelineFixtures.dspAccount(f.orgId(), "dv360", true)))
                                .post(pipelines(f))),
                new Endpoint<>("change a pipeline", Permission.PIPELINE_UPDATE,
                        (r, f) -> r.contentType(ContentType.JSON).body(Map.of("name", "Renamed", "status", "active"))
                                .patch(pipelines(f) + "/" + f.pipelineId())),
                new Endpoint<>("delete a pipeline", Permission.PIPELINE_DELETE, (r, f) -> r.delete(pipelines(f) + "/" + f.pipelineId())));
    }
}
