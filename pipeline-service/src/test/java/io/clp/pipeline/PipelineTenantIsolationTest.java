package io.clp.pipeline;

import io.clp.testing.PlatformTestResource;
import io.clp.testing.TenantIsolationContract;
import io.clp.testing.TestDatabase;
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
class PipelineTenantIsolationTest extends TenantIsolationContract<PipelineTenantIsolationTest.OrgA> {

    record OrgA(UUID id, UUID templateId, UUID pipelineId, UUID accountId) {
    }

    @Override
    protected OrgA organizationA() {
        UUID orgId = PipelineFixtures.org("admin").id();
        return new OrgA(orgId, PipelineFixtures.template(orgId, "Org A template"), PipelineFixtures.pipeline(orgId, "Org A pipeline"),
                PipelineFixtures.dspAccount(orgId, "dv360", true));
    }

    @Override
    protected String memberOfAnotherOrganization() {
        return TestTokens.token(User.member(PipelineFixtures.org("admin").id(), "admin"));
    }

    @Override
    protected List<Endpoint<OrgA>> endpoints() {
        return List.of(
                new Endpoint<>("GET templates", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/templates")),
                new Endpoint<>("GET template", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/templates/" + a.templateId())),
                new Endpoint<>("POST template", (r, a) -> r.contentType(ContentType.JSON).body(PipelineFixtures.templateBody("X"))
                        .post("/api/v1/organizations/" + a.id() + "/templates")),
                new Endpoint<>("PUT template", (r, a) -> r.contentType(ContentType.JSON).body(PipelineFixtures.templateBody("X"))
                        .put("/api/v1/organizations/" + a.id() + "/templates/" + a.templateId())),
                new Endpoint<>("DELETE template", (r, a) -> r.delete("/api/v1/organizations/" + a.id() + "/templates/" + a.templateId())),
                new Endpoint<>("GET pipelines", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/pipelines")),
                new Endpoint<>("GET pipeline", (r, a) -> r.get("/api/v1/organizations/" + a.id() + "/pipelines/" + a.pipelineId())),
                new Endpoint<>("POST pipeline", (r, a) -> r.contentType(ContentType.JSON)
                        .body(Map.of("name", "X", "templateId", a.templateId(), "params", Map.of("region", "eu"), "dspAccountId", a.accountId()))
                        .post("/api/v1/organizations/" + a.id() + "/pipelines")),
                new Endpoint<>("PATCH pipeline", (r, a) -> r.contentType(ContentType.JSON).body(Map.of("status", "active"))
                        .patch("/api/v1/organizations/" + a.id() + "/pipelines/" + a.pipelineId())),
                new Endpoint<>("DELETE pipeline", (r, a) -> r.delete("/api/v1/organizations/" + a.id() + "/pipelines/" + a.pipelineId())));
    }

    @Override
    protected String fingerprint(OrgA a) {
        return TestDatabase.text("SELECT string_agg(id || name || is_active || version || usage_count, ',' ORDER BY id) "
                + "FROM pipeline.templates WHERE org_id = ?", a.id()) + "/"
                + TestDatabase.text("SELECT string_agg(id || name || status || coalesce(next_run_at::text, '-'), ',' ORDER BY id) "
                + "FROM pipeline.pipelines WHERE org_id = ?", a.id());
    }
}
