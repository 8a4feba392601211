package io.clp.campaign.events;

import io.clp.campaign.SimulatedDsps;
import io.clp.campaign.CampaignFixtures;
import io.clp.events.identity.OrganizationCreated;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a consumer changes because of an event is attributed, in the transaction's context (and so
 * in the audit trail), to whoever caused the event ({@code ce_actor}) via the service; an API key
 * is named by its prefix, as the event contract says.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class EventAttributionTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    /** Publishes an organization event caused by {@code actor} and waits until the read model applied it. */
    private static UUID applied(String actor) {
        return applied(UUID.randomUUID(), actor);
    }

    private static UUID applied(UUID orgId, String actor) {
        UUID eventId = TestEvents.publish(new OrganizationCreated(orgId, "Attributed", "attr-" + orgId.toString().substring(0, 8),
                "active", "team", null, null, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), 1L), actor);
        await().atMost(WITHIN).until(() ->
                TestDatabase.count("SELECT count(*) FROM campaign.processed_event WHERE event_id = ?", eventId) == 1);
        return eventId;
    }

    /** A column of the context row of the transaction that applied the event (the one that recorded it in the inbox). */
    private static String context(String column, UUID eventId) {
        return TestDatabase.text("SELECT tc." + column + "::text FROM campaign.transaction_context tc "
                + "JOIN campaign.processed_event pe ON tc.tx_id = pe.xmin::text::bigint AND tc.service = 'campaign' "
                + "WHERE pe.event_id = ?", eventId);
    }

    @Test
    void aChangeMadeBecauseOfAUsersEventIsTheUsersViaTheService() {
        UUID user = UUID.randomUUID();
        UUID eventId = applied("user:" + user);

        assertThat(context("actor", eventId)).isEqualTo("user:" + user + " via campaign");
        assertThat(context("user_id", eventId)).isEqualTo(user.toString());
    }

    @Test
    void aChangeMadeBecauseOfAnApiKeysEventNamesTheKeyViaTheService() {
        UUID eventId = applied("apikey:ab12cd34");

        assertThat(context("actor", eventId)).isEqualTo("apikey:ab12cd34 via campaign");
        assertThat(context("user_id", eventId)).isNull();
    }

    @Test
    void anEventWithoutAWellFormedActorIsTheServicesOwnDoing() {
        UUID user = UUID.randomUUID();
        for (String forged : new String[] {null, "", "admin", "user:" + user + " via identity", "user:" + user + "\nuser:other",
                "user:" + user.toString().toUpperCase(), "user:not-a-uuid", "apikey:AB12CD34", "apikey:ab12cd34' OR '1'='1",
                "system:", "system:campaign via identity"}) {
            UUID eventId = applied(forged);

            assertThat(context("actor", eventId)).as("actor for ce_actor %s", forged).isEqualTo("system:campaign");
            assertThat(context("user_id", eventId)).as("user for ce_actor %s", forged).isNull();
        }
    }

    @Test
    void anApiKeysChangeIsRecordedUnderTheKeysPrefixAndItsCreator() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Keyed");
        applied(orgId, null);
        UUID keyId = UUID.randomUUID();
        UUID creator = UUID.randomUUID();
        String key = TestTokens.apiKey(keyId, orgId, creator, List.of("dsp_account:read", "dsp_account:update"),
                Instant.now().plus(Duration.ofDays(1)));

        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"displayName\": \"by key\"}")
                .when().patch("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId).then().statusCode(200);

        String actor = "apikey:" + TestTokens.apiKeyPrefix(keyId);
        assertThat(TestDatabase.text("SELECT user_id::text FROM campaign.transaction_context WHERE actor = ?", actor))
                .isEqualTo(creator.toString());
    }

    @Test
    void anApiKeyTokenNotIssuedToTheKeysOwnClientIsRefused() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Foreign client");
        String token = TestTokens.apiKeyOfClient("clp-web", UUID.randomUUID(), orgId, UUID.randomUUID(), List.of("dsp_account:read"),
                Instant.now().plus(Duration.ofDays(1)));

        given().auth().oauth2(token).when().get("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId)
                .then().statusCode(401).contentType("application/problem+json");
    }
}
