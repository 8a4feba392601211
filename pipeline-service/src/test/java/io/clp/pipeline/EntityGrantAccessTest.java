package io.clp.pipeline;

import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An entity grant lets a member whose role does not allow an action take it on that one pipeline or template. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "pipeline"))
class EntityGrantAccessTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    private static int pause(User user, UUID orgId, UUID pipelineId) {
        return given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON).body(Map.of("description", "by " + user.id()))
                .patch("/api/v1/organizations/" + orgId + "/pipelines/" + pipelineId).statusCode();
    }

    private static GrantIssued grant(UUID grantId, UUID orgId, UUID userId, String type, UUID entityId, List<String> actions) {
        return new GrantIssued(grantId, orgId, userId, type, entityId, actions, null, UUID.randomUUID(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), 0L);
    }

    @Test
    void anEditGrantOnAPipelineLetsAnAnalystChangeThatPipelineOnlyUntilRevoked() {
        UUID orgId = PipelineFixtures.org("admin").id();
        UUID pipeline = PipelineFixtures.pipeline(orgId, "Granted");
        UUID other = PipelineFixtures.pipeline(orgId, "Not granted");
        User analyst = User.member(orgId, "analyst");
        assertThat(pause(analyst, orgId, pipeline)).isEqualTo(403);

        UUID grantId = UUID.randomUUID();
        TestEvents.publish(grant(grantId, orgId, analyst.id(), "pipeline", pipeline, List.of("view", "edit")));
        await().atMost(WITHIN).until(() -> pause(analyst, orgId, pipeline) == 200);
        assertThat(TestDatabase.text("SELECT description FROM pipeline.pipelines WHERE id = ?", pipeline)).isEqualTo("by " + analyst.id());
        assertThat(pause(analyst, orgId, other)).isEqualTo(403);

        TestEvents.publish(new GrantRevoked(grantId, orgId, analyst.id(), "pipeline", pipeline, Instant.now()));
        await().atMost(WITHIN).until(() -> pause(analyst, orgId, pipeline) == 403);
    }

    @Test
    void anEditGrantOnATemplateLetsAViewerWriteItsNextVersion() {
        UUID orgId = PipelineFixtures.org("admin").id();
        UUID template = PipelineFixtures.template(orgId, "Granted template");
        User viewer = User.member(orgId, "viewer");
        TestEvents.publish(grant(UUID.randomUUID(), orgId, viewer.id(), "template", template, List.of("edit")));
        await().atMost(WITHIN).until(() -> given().auth().oauth2(TestTokens.token(viewer)).contentType(ContentType.JSON)
                .body(PipelineFixtures.templateBody("Edited by grant")).put("/api/v1/organizations/" + orgId + "/templates/" + template)
                .statusCode() == 201);
        assertThat(TestDatabase.count("SELECT count(*) FROM pipeline.templates WHERE root_template_id = ? AND is_active", template)).isEqualTo(1);
        // the grant is on the lineage: it keeps opening the version its first edit wrote
        String v2 = TestDatabase.text("SELECT id::text FROM pipeline.templates WHERE root_template_id = ? AND is_active", template);
        given().auth().oauth2(TestTokens.token(viewer)).contentType(ContentType.JSON).body(PipelineFixtures.templateBody("Edited again"))
                .put("/api/v1/organizations/" + orgId + "/templates/" + v2).then().statusCode(201);
        // a grant opens the one entity, not the action on others
        given().auth().oauth2(TestTokens.token(viewer)).contentType(ContentType.JSON).body(PipelineFixtures.templateBody("New"))
                .post("/api/v1/organizations/" + orgId + "/templates").then().statusCode(403);
    }
}
