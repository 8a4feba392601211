package io.clp.identity.state;

import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.GrantRevoked;
import io.clp.testing.EmittedEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.events.AggregateTypes;
import io.clp.events.identity.GrantSnapshot;
import io.clp.events.identity.OrganizationSnapshot;
import io.clp.identity.IdentityFixtures;
import io.clp.identity.model.Plan;
import io.clp.identity.quota.Quota;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.EmittedEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class StatePublicationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR = TestTokens.operator(User.withoutOrganizations());

    @Inject
    StatePublication publication;

    private int publishExisting() throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> publication.publishExisting());
    }

    @BeforeAll
    static void recordOutbox() {
        EmittedEvents.start();
    }

    private static List<JsonNode> states(String type, UUID id) {
        return EmittedEvents.published("identity").ofType(type).about(id).payloads().stream().map(StatePublicationTest::parse).toList();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String grant(UUID userId, UUID entityId, String permissions) {
        return "{\"userId\": \"" + userId + "\", \"entityType\": \"dsp_account\", \"entityId\": \"" + entityId
                + "\", \"permissions\": " + permissions + "}";
    }

    @Test
    void everyChangeOfAnOrganizationPublishesItsWholeStateWithItsVersion() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"status\": \"suspended\"}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/status").then().statusCode(200);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"dsp_accounts\": 40}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/quotas").then().statusCode(204);
        given().auth().oauth2(OPERATOR).contentType(ContentType.JSON).body("{\"status\": \"active\"}")
                .when().put("/api/v1/operator/organizations/" + orgId + "/status").then().statusCode(200);
        given().auth().oauth2(TestTokens.token(admin)).when().delete("/api/v1/organizations/" + orgId).then().statusCode(204);

        List<JsonNode> states = states(OrganizationSnapshot.TYPE, orgId);
        assertThat(states).extracting(s -> s.get("status").asText())
                .containsExactly("trial", "suspended", "suspended", "active", "deleted");
        assertThat(states).extracting(s -> s.get("version").asLong()).isSorted().doesNotHaveDuplicates();
        assertThat(states).extracting(s -> s.get("deleted").asBoolean()).containsExactly(false, false, false, false, true);
        // the effective limits are always complete: the plan's defaults where nothing was overridden
        for (JsonNode state : states) {
            assertThat(state.get("quotas").size()).isEqualTo(Quota.values().length);
            assertThat(state.get("quotas").get("rules").asInt()).isEqualTo(Quota.RULES.defaultFor(Plan.free));
        }
        assertThat(states.get(0).get("quotas").get("dsp_accounts").asInt()).isEqualTo(2);
        assertThat(states.get(2).get("quotas").get("dsp_accounts").asInt()).isEqualTo(40);
        assertThat(EmittedEvents.published("identity").about(orgId).ofType(OrganizationSnapshot.TYPE)
                .ofAggregateType(AggregateTypes.ORGANIZATION_STATE).size())
                .isEqualTo(5);
        for (EmittedEvent state : EmittedEvents.published("identity").ofType(OrganizationSnapshot.TYPE).about(orgId).events()) {
            assertThat(state.actor()).startsWith("user:");
            state.hasHeaders("identity", "organizations/" + orgId, orgId, state.actor());
        }
        // each state goes out in the transaction of the change it shows
        assertThat(EmittedEvents.published("identity").about(orgId).lastTransaction().types())
                .containsExactlyInAnyOrder(OrganizationDeleted.TYPE, OrganizationSnapshot.TYPE);
    }

    @Test
    void aGrantPublishesEachVersionAndARevokedGrantStaysOnAsItsRevokedState() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User viewer = IdentityFixtures.memberOf(orgId, "viewer");
        UUID account = UUID.randomUUID();
        String base = "/api/v1/organizations/" + orgId + "/grants";
        String token = TestTokens.token(admin);
        UUID grantId = UUID.fromString(given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(grant(viewer.id(), account, "[\"view\"]")).when().post(base).then().statusCode(201).extract().path("id"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body(grant(viewer.id(), account, "[\"view\", \"edit\"]"))
                .when().post(base).then().statusCode(200);
        given().auth().oauth2(token).when().delete(base + "/" + grantId).then().statusCode(204);

        List<JsonNode> states = states(GrantSnapshot.TYPE, grantId);
        assertThat(states).extracting(s -> s.get("version").asLong()).containsExactly(0L, 1L, 2L);
        assertThat(states).extracting(s -> s.get("revoked").asBoolean()).containsExactly(false, false, true);
        assertThat(states.get(1).get("permissions").toString()).isEqualTo("[\"view\",\"edit\"]");
        assertThat(states.get(2).get("revokedAt").isNull()).isFalse();
        for (EmittedEvent state : EmittedEvents.published("identity").ofType(GrantSnapshot.TYPE).about(grantId).events()) {
            assertThat(state.aggregateType()).isEqualTo(AggregateTypes.GRANT_STATE);
            state.hasHeaders("identity", "grants/" + grantId, orgId, "user:" + admin.id());
        }
        assertThat(EmittedEvents.published("identity").about(grantId).lastTransaction().types())
                .containsExactlyInAnyOrder(GrantRevoked.TYPE, GrantSnapshot.TYPE);
        // the grant events carry the same version
        assertThat(EmittedEvents.published("identity").ofType("io.clp.grant.issued.v1").about(grantId).field("version")).containsExactly("0", "1");
    }

    @Test
    void organizationsAndGrantsFromBeforeTheStateTopicsArePublishedOnceWhateverInstanceRunsIt() throws Throwable {
        UUID orgId = UUID.randomUUID();
        TestDatabase.execute("INSERT INTO identity.organizations (id, name, slug, status, plan) VALUES (?, 'Old', ?, 'active', 'team')",
                orgId, "old-" + orgId.toString().substring(0, 8));
        User member = IdentityFixtures.memberOf(orgId, "viewer");
        UUID grantId = IdentityFixtures.grantTo(orgId, member.id());
        TestDatabase.execute("DELETE FROM identity.state_publications");

        assertThat(publishExisting()).isPositive();
        List<JsonNode> org = states(OrganizationSnapshot.TYPE, orgId);
        assertThat(org).hasSize(1);
        assertThat(org.get(0).get("status").asText()).isEqualTo("active");
        assertThat(org.get(0).get("plan").asText()).isEqualTo("team");
        assertThat(org.get(0).get("quotas").get("dsp_accounts").asInt()).isEqualTo(Quota.DSP_ACCOUNTS.defaultFor(Plan.team));
        List<JsonNode> grant = states(GrantSnapshot.TYPE, grantId);
        assertThat(grant).hasSize(1);
        assertThat(grant.get(0).get("revoked").asBoolean()).isFalse();

        // done once: a second pass (another instance, a restart) publishes nothing
        assertThat(publishExisting()).isEqualTo(-1);
        assertThat(states(OrganizationSnapshot.TYPE, orgId)).hasSize(1);
    }

    @Test
    void thePlanDefaultsTheOtherServicesFallBackOnAreIdentitysOwn() {
        for (Plan plan : Plan.values()) {
            for (Quota quota : Quota.values()) {
                assertThat(TestDatabase.count("SELECT quota_limit FROM identity.clp_plan_quotas WHERE plan = ? AND quota = ?",
                        plan.name(), quota.id())).as("%s on %s", quota, plan).isEqualTo(quota.defaultFor(plan));
            }
        }
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.clp_plan_quotas"))
                .isEqualTo((long) Plan.values().length * Quota.values().length);
    }
}
