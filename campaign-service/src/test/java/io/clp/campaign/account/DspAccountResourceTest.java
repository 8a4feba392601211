package io.clp.campaign.account;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.CampaignFixtures;
import io.clp.events.CloudEventHeaders;
import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationUpdated;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
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
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DspAccountResourceTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @Inject
    MeterRegistry meters;

    private static int rename(User user, UUID orgId, UUID accountId, String name) {
        return given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON)
                .body("{\"displayName\": \"" + name + "\"}")
                .when().patch("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId)
                .then().extract().statusCode();
    }

    private static GrantIssued grant(UUID grantId, UUID orgId, UUID userId, String type, UUID entityId, List<String> actions,
                                     Instant expiresAt) {
        return new GrantIssued(grantId, orgId, userId, type, entityId, actions, expiresAt, UUID.randomUUID(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), 0L);
    }

    @Test
    void membersReadTheirAccountsButNeverTheirCredentials() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Acme DV360");
        String viewer = TestTokens.token(User.member(orgId, "viewer"));
        given().auth().oauth2(viewer).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts")
                .then().statusCode(200)
                .body("items[0].id", equalTo(accountId.toString()))
                .body("items[0].dspType", equalTo("dv360"))
                .body("items[0]", not(hasKey("credentialsEncrypted")));
        given().auth().oauth2(viewer).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId)
                .then().statusCode(200).body("displayName", equalTo("Acme DV360"))
                .body("$", not(hasKey("credentialsEncrypted"))).body("$", not(hasKey("oauthTokenPath")));
    }

    @Test
    void aDeveloperEditsByRoleAndBadInputIsRefusedWithoutAWrite() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Before");
        User developer = User.member(orgId, "developer");
        String path = "/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId;
        assertThat(rename(developer, orgId, accountId, "After")).isEqualTo(200);
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo("After");

        for (String body : List.of("{}", "{\"displayName\": \"   \"}", "{\"displayName\": 7, \"active\": \"sometimes\"}",
                "{\"displayName\": \"x\", \"credentials\": \"steal\"}", "{not json")) {
            given().auth().oauth2(TestTokens.token(developer)).contentType(ContentType.JSON).body(body)
                    .when().patch(path).then().statusCode(400).contentType("application/problem+json");
        }
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo("After");
        given().auth().oauth2(TestTokens.token(developer)).contentType(ContentType.JSON).body("{\"active\": false}")
                .when().patch("/api/v1/organizations/" + orgId + "/dsp-accounts/" + UUID.randomUUID())
                .then().statusCode(404);
    }

    @Test
    void anEditGrantLetsAViewerEditThatOneAccountUntilItIsRevoked() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Granted");
        UUID otherAccount = CampaignFixtures.dspAccount(orgId, "Not granted");
        User viewer = User.member(orgId, "viewer");
        assertThat(rename(viewer, orgId, accountId, "Nope")).isEqualTo(403);

        UUID grantId = UUID.randomUUID();
        TestEvents.publish(grant(grantId, orgId, viewer.id(), "dsp_account", accountId, List.of("view", "edit"), null));
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "Edited by grant") == 200);
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo("Edited by grant");
        assertThat(rename(viewer, orgId, otherAccount, "Nope")).isEqualTo(403);
        assertThat(rename(User.member(orgId, "viewer"), orgId, accountId, "Nope")).isEqualTo(403);

        TestEvents.publish(new GrantRevoked(grantId, orgId, viewer.id(), "dsp_account", accountId, Instant.now()));
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "Too late") == 403);
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo("Edited by grant");
    }

    @Test
    void anExpiredGrantStopsWorkingWithoutAnyEvent() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Short-lived");
        User viewer = User.member(orgId, "viewer");
        TestEvents.publish(grant(UUID.randomUUID(), orgId, viewer.id(), "dsp_account", accountId, List.of("edit"),
                Instant.now().plusSeconds(4)));
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "While it lasts") == 200);
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "After expiry") == 403);
    }

    @Test
    void grantsOnEntitiesOfOtherServicesAreNotKept() {
        UUID orgId = UUID.randomUUID();
        UUID viewer = UUID.randomUUID();
        UUID pipelineGrant = UUID.randomUUID();
        UUID accountGrant = UUID.randomUUID();
        UUID entity = UUID.randomUUID();
        UUID pipelineEvent = TestEvents.publish(grant(pipelineGrant, orgId, viewer, "pipeline", entity, List.of("execute"), null));
        TestEvents.publish(grant(accountGrant, orgId, viewer, "dsp_account", entity, List.of("view"), null));
        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ?", accountGrant) == 1);
        // the pipeline grant was consumed (the inbox has it), and nothing of it was kept
        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.processed_event WHERE event_id = ?", pipelineEvent) == 1);
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ?", pipelineGrant)).isZero();
    }

    @Test
    void aPoisonGrantEventGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        UUID orgId = UUID.randomUUID();
        TestEvents.publishRaw("clp.events.grant", "poison", "{not json",
                Map.of(CloudEventHeaders.TYPE, GrantIssued.TYPE, CloudEventHeaders.ID, UUID.randomUUID().toString()));
        UUID after = UUID.randomUUID();
        TestEvents.publish(grant(after, orgId, UUID.randomUUID(), "campaign", UUID.randomUUID(), List.of("edit"), null));
        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ?", after) == 1);
        TestEvents.awaitOn("clp.events.grant.campaign-entity-grants.dlq", r -> "{not json".equals(r.value()));
    }

    @Test
    void anApiKeyActsWithinItsScopesAndGrantsDoNotExtendIt() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Keyed");
        UUID creator = UUID.randomUUID();
        String key = TestTokens.apiKey(UUID.randomUUID(), orgId, creator, List.of("dsp_account:read"),
                Instant.now().plus(Duration.ofDays(1)));
        String path = "/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId;
        given().auth().oauth2(key).when().get(path).then().statusCode(200);
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"displayName\": \"by key\"}")
                .when().patch(path).then().statusCode(403);
        given().auth().oauth2(key).when().get("/api/v1/organizations/" + UUID.randomUUID() + "/dsp-accounts").then().statusCode(404);
    }

    @Test
    void aTokenOfAnExpiredApiKeyIsRefusedThoughTheTokenItselfIsFresh() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Lapsed");
        // what a key holder gets from Keycloak's token endpoint after the key's expiry, before the client is deleted
        String key = TestTokens.apiKey(UUID.randomUUID(), orgId, UUID.randomUUID(), List.of("dsp_account:read"),
                Instant.now().minusSeconds(1));
        given().auth().oauth2(key).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId)
                .then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:unauthorized"));
    }

    @Test
    void aTokenVerifiedOnceIsRefusedAgainOnceItOrItsApiKeyExpires() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Brief");
        String path = "/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId;
        // well within the 30 s for which a verified token is reused (VerifiedTokens)
        Instant soon = Instant.now().plusSeconds(8);
        String token = TestTokens.expiringAt(User.member(orgId, "viewer"), soon);
        String key = TestTokens.apiKey(UUID.randomUUID(), orgId, UUID.randomUUID(), List.of("dsp_account:read"), soon);
        double verifiedBefore = authenticated("verified");
        double reusedBefore = authenticated("reused");
        for (String bearer : List.of(token, token, key, key)) {
            given().auth().oauth2(bearer).when().get(path).then().statusCode(200);
        }
        // each token verified once, then its identity reused
        assertThat(authenticated("verified") - verifiedBefore).isEqualTo(2);
        assertThat(authenticated("reused") - reusedBefore).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            given().auth().oauth2(token).when().get(path).then().statusCode(401);
            given().auth().oauth2(key).when().get(path).then().statusCode(401);
        });
    }

    private double authenticated(String outcome) {
        // the counters exist once the first token was authenticated: none before is a count of zero
        Counter counter = meters.find("clp.access_tokens.authenticated").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anOrganizationUnknownToTheReadModelIsNotFoundThoughTheTokenNamesIt() {
        UUID orgId = UUID.randomUUID();
        User admin = User.member(orgId, "admin");
        given().auth().oauth2(TestTokens.token(admin)).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts")
                .then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:not-found"));
    }

    @Test
    void aSuspendedOrganizationIsReadOnlyAndADeletedOneIsGone() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Frozen");
        User admin = User.member(orgId, "admin");
        String path = "/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId;
        Instant created = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MICROS);
        TestEvents.publish(new OrganizationCreated(orgId, "Frozen Inc", "frozen-" + orgId.toString().substring(0, 8), "active",
                "team", null, "USD", admin.id(), created, 0L));
        TestEvents.publish(new OrganizationUpdated(orgId, "Frozen Inc", "frozen-" + orgId.toString().substring(0, 8), "suspended",
                "team", null, "USD", List.of("status"), Instant.now().truncatedTo(ChronoUnit.MICROS), 1L));
        // the change is tried once the suspension is known: tried earlier, it would succeed and disable the account
        await().atMost(WITHIN).until(() -> TestDatabase.count(
                "SELECT count(*) FROM campaign.organization_refs WHERE org_id = ? AND status = 'suspended'", orgId) == 1);
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"active\": false}").patch(path).then().statusCode(409);
        given().auth().oauth2(TestTokens.token(admin)).get(path).then().statusCode(200).body("active", equalTo(true));

        TestEvents.publish(new OrganizationDeleted(orgId, "frozen-" + orgId.toString().substring(0, 8), admin.id(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), 2L));
        await().atMost(WITHIN).until(() -> given().auth().oauth2(TestTokens.token(admin)).get(path).statusCode() == 404);
    }
}
