package io.clp.campaign.events;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.CampaignFixtures;
import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.OrganizationCreated;
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
import static org.hamcrest.Matchers.equalTo;

/**
 * Contract: a consumer reads events as a tolerant reader (a producer may add fields to an event
 * version), while the REST API stays strict about the bodies it is sent.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class TolerantReaderTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    /** What a newer identity-service might add to any event. */
    private static final Map<String, Object> NEWER_FIELDS = Map.of(
            "region", "eu-west", "billing", Map.of("tier", 3, "contacts", List.of("a@example.com")));

    @Test
    void anOrganizationEventWithFieldsThisConsumerDoesNotKnowIsApplied() {
        UUID orgId = UUID.randomUUID();
        String slug = "newer-" + orgId.toString().substring(0, 8);
        TestEvents.publish(new OrganizationCreated(orgId, "Newer", slug, "active", "team", null, null, UUID.randomUUID(),
                Instant.now().truncatedTo(ChronoUnit.MICROS), 1L), null, NEWER_FIELDS);

        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.organization_refs WHERE org_id = ?", orgId) == 1);
        assertThat(TestDatabase.text("SELECT slug FROM campaign.organization_refs WHERE org_id = ?", orgId)).isEqualTo(slug);
    }

    @Test
    void aGrantEventWithFieldsThisConsumerDoesNotKnowIsApplied() {
        UUID grantId = UUID.randomUUID();
        TestEvents.publish(new GrantIssued(grantId, UUID.randomUUID(), UUID.randomUUID(), "dsp_account", UUID.randomUUID(),
                List.of("view"), null, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), 1L), null, NEWER_FIELDS);

        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ?", grantId) == 1);
    }

    @Test
    void aRequestBodyWithAFieldTheApiDoesNotKnowIsStillRefused() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Strict");
        given().auth().oauth2(TestTokens.token(User.member(orgId, "admin"))).contentType(ContentType.JSON)
                .body("{\"displayName\": \"Renamed\", \"region\": \"eu-west\"}")
                .when().patch("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId)
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:validation"))
                .body("errors[0].field", equalTo("region"));
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo("Strict");
    }
}
