package io.clp.identity.keycloak;

import io.clp.events.identity.OrganizationCreated;
import io.clp.identity.IdentityFixtures;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestEvents;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keycloak down for three minutes while organizations are created: the mirror's consumer stays alive
 * (it never holds a record unacknowledged past smallrye-kafka's 60 s limit, which would close it) and,
 * once Keycloak is back, brings every organization created meanwhile into Keycloak by itself (the
 * reconciler is off).
 */
@QuarkusTest
@TestProfile(MirrorDuringOutage.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class KeycloakOutageTest {

    private static final Duration OUTAGE = Duration.ofMinutes(3);
    private static final int CREATED_DURING_OUTAGE = 6;

    private final TestKeycloak keycloak = TestKeycloak.get();

    /** An organization made through the API by an admin who has a Keycloak account, and the event its outbox row becomes. */
    private UUID organizationWithEvent(User admin) {
        UUID orgId = IdentityFixtures.organizationOf(admin);
        TestEvents.publish(new OrganizationCreated(orgId, "Outage", "outage-" + orgId.toString().substring(0, 8), "active", "free",
                null, null, admin.id(), Instant.now(), 1L));
        return orgId;
    }

    private static void assertMirrorAlive() {
        Response health = given().when().get("/q/health/live");
        assertThat(health.statusCode()).as("liveness: %s", health.asString()).isEqualTo(200);
        assertThat(health.asString()).contains("organization-mirror");
    }

    @Test
    void theMirrorSurvivesAThreeMinuteKeycloakOutageAndCatchesUp() throws Exception {
        List<User> admins = new ArrayList<>();
        for (int i = 0; i <= CREATED_DURING_OUTAGE; i++) {
            User admin = User.withoutOrganizations();
            keycloak.account(admin.id(), admin.email());
            admins.add(admin);
        }
        UUID before = organizationWithEvent(admins.get(0));
        await().atMost(Duration.ofMinutes(2)).until(() -> keycloak.organization(before) != null);

        keycloak.stop();
        Instant down = Instant.now();
        List<UUID> createdMeanwhile = new ArrayList<>();
        try {
            for (int i = 1; i <= CREATED_DURING_OUTAGE; i++) {
                createdMeanwhile.add(organizationWithEvent(admins.get(i)));
                Thread.sleep(OUTAGE.dividedBy(CREATED_DURING_OUTAGE + 1).toMillis());
                // the first event has waited longer than 60 s by the third check: an in-handler retry
                // past smallrye-kafka's limit would have failed the channel by now
                assertMirrorAlive();
            }
            Duration left = OUTAGE.minus(Duration.between(down, Instant.now()));
            if (!left.isNegative()) {
                Thread.sleep(left.toMillis());
            }
            assertMirrorAlive();
        } finally {
            keycloak.startAgain();
        }

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5))
                .until(() -> createdMeanwhile.stream().allMatch(orgId -> keycloak.organization(orgId) != null));
        assertMirrorAlive();
    }
}
