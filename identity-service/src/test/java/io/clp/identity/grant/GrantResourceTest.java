package io.clp.identity.grant;

import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.testing.Emitted;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.identity.IdentityFixtures;
import io.clp.identity.Interleaving;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class GrantResourceTest {

    private static String grant(UUID userId, String type, UUID entityId, String permissions, String expiresAt) {
        return "{\"userId\": \"" + userId + "\", \"entityType\": \"" + type + "\", \"entityId\": \"" + entityId
                + "\", \"permissions\": " + permissions + (expiresAt == null ? "" : ", \"expiresAt\": \"" + expiresAt + "\"") + "}";
    }

    @Test
    void aClientMemberIsGrantedTheClientsTheySeeAndTheRoleAllowsThemNothingBeyondReading() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User client = IdentityFixtures.memberOf(orgId, "client");
        UUID acme = UUID.randomUUID();
        EmittedEvents.Mark mark = EmittedEvents.mark();
        String id = given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body(grant(client.id(), "client", acme, "[\"view\"]", null))
                .when().post("/api/v1/organizations/" + orgId + "/grants")
                .then().statusCode(201).body("entityType", equalTo("client")).extract().path("id");
        assertThat(EmittedEvents.since(mark).ofType(GrantIssued.TYPE).about(id).single().field("entityType")).isEqualTo("client");
        // nothing but clients is granted to them
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body(grant(client.id(), "pipeline", UUID.randomUUID(), "[\"view\"]", null))
                .when().post("/api/v1/organizations/" + orgId + "/grants")
                .then().statusCode(400).body("errors.field", hasItem("entityType"));
        // the member reads the organization, and neither its members nor its grants
        given().auth().oauth2(TestTokens.token(client)).when().get("/api/v1/organizations/" + orgId).then().statusCode(200);
        given().auth().oauth2(TestTokens.token(client)).when().get("/api/v1/organizations/" + orgId + "/members")
                .then().statusCode(403);
        given().auth().oauth2(TestTokens.token(client)).when().get("/api/v1/organizations/" + orgId + "/grants")
                .then().statusCode(403);
    }

    @Test
    void anAdminGrantsListsReplacesAndRevokesAGrantOnOneEntity() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        UUID pipeline = UUID.randomUUID();
        String token = TestTokens.token(admin);
        String base = "/api/v1/organizations/" + orgId + "/grants";
        EmittedEvents.Mark mark = EmittedEvents.mark();

        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(grant(viewer.id(), "pipeline", pipeline, "[\"view\", \"execute\"]", "2099-01-01T00:00:00Z"))
                .when().post(base)
                .then().statusCode(201)
                .body("userId", equalTo(viewer.id().toString()))
                .body("entityType", equalTo("pipeline"))
                .body("permissions", contains("view", "execute"))
                .body("grantedBy", equalTo(admin.id().toString()))
                .body("active", equalTo(true))
                .extract().path("id");

        // granting again on the same entity replaces the grant
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(grant(viewer.id(), "pipeline", pipeline, "[\"edit\"]", null))
                .when().post(base)
                .then().statusCode(200).body("id", equalTo(id)).body("permissions", contains("edit"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.entity_permissions WHERE org_id = ?", orgId)).isEqualTo(1);

        given().auth().oauth2(token).queryParam("userId", viewer.id()).when().get(base)
                .then().statusCode(200).body("$", hasSize(1)).body("[0].id", equalTo(id));
        given().auth().oauth2(token).queryParam("entityType", "rule").when().get(base)
                .then().statusCode(200).body("$", hasSize(0));
        given().auth().oauth2(token).queryParam("entityType", "spaceship").when().get(base)
                .then().statusCode(400).body("errors[0].field", equalTo("entityType"));

        given().auth().oauth2(token).when().delete(base + "/" + id).then().statusCode(204);
        given().auth().oauth2(token).when().delete(base + "/" + id).then().statusCode(404);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.entity_permissions WHERE org_id = ?", orgId)).isZero();

        Emitted issued = EmittedEvents.since(mark).ofType(GrantIssued.TYPE).about(id);
        assertThat(issued.field("permissions")).containsExactly("[\"view\",\"execute\"]", "[\"edit\"]");
        assertThat(issued.field("version")).containsExactly("0", "1");
        assertThat(issued.field("expiresAt").get(0)).startsWith("2099-01-01T00:00");
        assertThat(issued.field("expiresAt").get(1)).isNull();
        for (EmittedEvent event : issued.events()) {
            event.hasHeaders("identity", "grants/" + id, orgId, "user:" + admin.id());
            assertThat(event.field("organizationId")).isEqualTo(orgId.toString());
            assertThat(event.field("userId")).isEqualTo(viewer.id().toString());
            assertThat(event.field("entityType")).isEqualTo("pipeline");
            assertThat(event.field("entityId")).isEqualTo(pipeline.toString());
            assertThat(event.field("grantedBy")).isEqualTo(admin.id().toString());
            assertThat(event.field("grantedAt")).isNotBlank();
        }
        // one revocation: the second DELETE found nothing and published nothing
        EmittedEvent revoked = EmittedEvents.since(mark).single(GrantRevoked.TYPE, id)
                .hasHeaders("identity", "grants/" + id, orgId, "user:" + admin.id());
        assertThat(revoked.field("userId")).isEqualTo(viewer.id().toString());
        assertThat(revoked.field("entityType")).isEqualTo("pipeline");
        assertThat(revoked.field("entityId")).isEqualTo(pipeline.toString());
        assertThat(revoked.field("revokedAt")).isNotBlank();
    }

    @Test
    void aGrantIssuedWhileTheGranterIsBeingDemotedIsRefused() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User demoted = IdentityFixtures.memberOf(orgId, "admin");
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        String base = "/api/v1/organizations/" + orgId;
        CompletableFuture<Response> demotion;
        CompletableFuture<Response> issue;
        // the demotion queues first on the organization's row, the grant behind it
        try (Interleaving lock = Interleaving.hold("SELECT id FROM identity.organizations WHERE id = ? FOR UPDATE", orgId)) {
            demotion = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                    .body("{\"role\": \"viewer\"}").when().patch(base + "/members/" + demoted.id()));
            Interleaving.awaitWaiting(1, demotion);
            issue = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(demoted)).contentType(ContentType.JSON)
                    .body(grant(viewer.id(), "campaign", UUID.randomUUID(), "[\"edit\"]", null)).when().post(base + "/grants"));
            Interleaving.awaitWaiting(2, demotion, issue);
            lock.release();
        }
        assertThat(demotion.join().statusCode()).isEqualTo(200);
        assertThat(issue.join().statusCode()).isEqualTo(403);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.entity_permissions WHERE org_id = ?", orgId)).isZero();
    }

    @Test
    void anExpiredGrantIsListedAsInactive() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        TestDatabase.execute("INSERT INTO identity.entity_permissions (org_id, user_id, entity_type, entity_id, permissions, expires_at) "
                + "VALUES (?, ?, 'rule', ?, '[\"edit\"]'::jsonb, now() - interval '1 minute')", orgId, viewer.id(), UUID.randomUUID());
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId + "/grants")
                .then().statusCode(200).body("[0].active", equalTo(false));
    }

    @Test
    void badGrantsAreRefusedNamingTheFieldAndWriteNothing() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        String base = "/api/v1/organizations/" + orgId + "/grants";
        String token = TestTokens.token(admin);
        record Case(String body, String field) {
        }
        for (Case c : new Case[]{
                new Case(grant(UUID.randomUUID(), "rule", UUID.randomUUID(), "[\"edit\"]", null), "userId"),
                new Case(grant(viewer.id(), "rule", UUID.randomUUID(), "[\"own\"]", null), "permissions[0]"),
                new Case(grant(viewer.id(), "rule", UUID.randomUUID(), "[]", null), "permissions"),
                new Case(grant(viewer.id(), "rule", UUID.randomUUID(), "[\"edit\"]", Instant.now().minusSeconds(60).toString()), "expiresAt")}) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(c.body()).when().post(base)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.containsString(c.field())));
        }
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(grant(viewer.id(), "spaceship", UUID.randomUUID(), "[\"edit\"]", null)).when().post(base)
                .then().statusCode(400).contentType("application/problem+json");
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.entity_permissions WHERE org_id = ?", orgId)).isZero();
    }

    @Test
    void aMemberWhoLeavesLosesTheirGrants() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        IdentityFixtures.grantTo(orgId, viewer.id());
        IdentityFixtures.grantTo(orgId, viewer.id());
        given().auth().oauth2(TestTokens.token(admin)).when()
                .delete("/api/v1/organizations/" + orgId + "/members/" + viewer.id()).then().statusCode(204);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.entity_permissions WHERE user_id = ?", viewer.id())).isZero();
    }
}
