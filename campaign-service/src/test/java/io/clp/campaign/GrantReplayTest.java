package io.clp.campaign;

import io.clp.events.identity.GrantIssued;
import io.clp.events.identity.GrantRevoked;
import io.clp.events.identity.GrantSnapshot;
import io.clp.platform.retention.PlatformTablesPruner;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
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
 * Grants are applied in their own order, not in the order records arrive: a replay of the grant topic
 * (a consumer group reset to the earliest offset, after the inbox has forgotten the older events)
 * revives no revoked grant, and an older issue of a grant never replaces a newer one.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class GrantReplayTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @Inject
    PlatformTablesPruner pruner;

    private static int rename(User user, UUID orgId, UUID accountId, String name) {
        return given().auth().oauth2(TestTokens.token(user)).contentType(ContentType.JSON)
                .body("{\"displayName\": \"" + name + "\"}")
                .when().patch("/api/v1/organizations/" + orgId + "/dsp-accounts/" + accountId)
                .then().extract().statusCode();
    }

    private static boolean applied(UUID eventId) {
        return TestDatabase.count("SELECT count(*) FROM campaign.processed_event WHERE event_id = ?", eventId) == 1;
    }

    @Test
    void aReplayOfTheWholeGrantTopicLeavesARevokedGrantRevoked() throws Throwable {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Replayed");
        User viewer = User.member(orgId, "viewer");
        UUID grantId = UUID.randomUUID();
        Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        GrantIssued issued = new GrantIssued(grantId, orgId, viewer.id(), "dsp_account", accountId, List.of("view", "edit"), null,
                UUID.randomUUID(), issuedAt, 0L);
        GrantRevoked revoked = new GrantRevoked(grantId, orgId, viewer.id(), "dsp_account", accountId, issuedAt.plusSeconds(1));

        UUID issuedEvent = TestEvents.publish(issued);
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "While granted") == 200);
        UUID revokedEvent = TestEvents.publish(revoked);
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "After revocation") == 403);

        // weeks later the inbox has pruned the issue (older than its retention), not yet the revocation
        TestDatabase.execute("UPDATE campaign.processed_event SET processed_at = now() - interval '60 days' WHERE event_id = ?",
                issuedEvent);
        VertxContextSupport.subscribeAndAwait(() -> pruner.prune(Instant.now()));
        assertThat(applied(issuedEvent)).isFalse();

        // the whole topic again, in order, with the same event ids
        TestEvents.publish(issued, issuedEvent);
        TestEvents.publish(revoked, revokedEvent);
        await().atMost(WITHIN).until(() -> applied(issuedEvent));
        assertThat(rename(viewer, orgId, accountId, "Resurrected")).isEqualTo(403);

        // and the grant's first state, read again from the state topic
        UUID state = TestEvents.publish(new GrantSnapshot(grantId, orgId, viewer.id(), "dsp_account", accountId,
                List.of("view", "edit"), null, UUID.randomUUID(), issuedAt, 0L, false, null));
        await().atMost(WITHIN).until(() -> applied(state));
        assertThat(rename(viewer, orgId, accountId, "Resurrected")).isEqualTo(403);
        assertThat(CampaignFixtures.displayName(accountId)).isEqualTo("While granted");
        assertThat(TestDatabase.count("SELECT count(*) FROM campaign.entity_grant_refs WHERE grant_id = ? AND revoked_at IS NOT NULL",
                grantId)).isEqualTo(1);
    }

    @Test
    void anOlderIssueOfAGrantArrivingLateDoesNotReplaceTheNewerOne() {
        UUID orgId = UUID.randomUUID();
        UUID accountId = CampaignFixtures.dspAccount(orgId, "Reissued");
        User viewer = User.member(orgId, "viewer");
        UUID grantId = UUID.randomUUID();
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        TestEvents.publish(new GrantIssued(grantId, orgId, viewer.id(), "dsp_account", accountId, List.of("view", "edit"), null,
                UUID.randomUUID(), t, 1L));
        await().atMost(WITHIN).until(() -> rename(viewer, orgId, accountId, "By version 1") == 200);

        UUID late = TestEvents.publish(new GrantIssued(grantId, orgId, viewer.id(), "dsp_account", accountId, List.of("view"), null,
                UUID.randomUUID(), t.minusSeconds(10), 0L));
        await().atMost(WITHIN).until(() -> applied(late));
        assertThat(rename(viewer, orgId, accountId, "Still by version 1")).isEqualTo(200);
    }
}
