package io.clp.identity.keycloak;

import io.clp.events.identity.MemberInvited;
import io.clp.events.identity.MembershipChanged;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestTokens;
import io.restassured.http.ContentType;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.clp.identity.keycloak.KeycloakTestSupport.await;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-driven mirror against a real Keycloak treats an event as a hint: it applies what
 * identity-service's rows say about the entity the event names, whatever the event claims.
 */
@QuarkusTest
@TestProfile(WithKeycloak.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class OrganizationMirrorTest {

    @Inject
    KeycloakMirror mirror;

    @Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    private final TestKeycloak keycloak = TestKeycloak.get();

    private void deliver(String type, Object event) {
        String payload;
        try {
            payload = json.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        await(() -> mirror.apply(type, payload).replaceWith(true));
    }

    @Test
    void aMembershipEventIsAppliedAsTheRowsSayNotAsTheEventSays() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();

        // the event claims the developer became an admin
        deliver(MembershipChanged.TYPE, new MembershipChanged(UUID.randomUUID(), org.orgId(), org.member().id(), "role_changed",
                "admin", "developer", true, Instant.now()));

        String kcOrg = (String) keycloak.organization(org.orgId()).get("id");
        assertThat(keycloak.groupMemberIds(kcOrg, "admin")).containsExactly(org.admin().id().toString());
        assertThat(keycloak.groupMemberIds(kcOrg, "developer")).containsExactly(org.member().id().toString());

        // and claims a removal that did not happen
        deliver(MembershipChanged.TYPE, new MembershipChanged(UUID.randomUUID(), org.orgId(), org.admin().id(), "removed",
                "admin", "admin", false, Instant.now()));
        assertThat(keycloak.memberIds(kcOrg)).contains(org.admin().id().toString());
    }

    /** Invites {@code email} to the organization through the API and delivers the invitation's event; returns the invitee's user id. */
    private UUID invite(KeycloakTestSupport org, String email) {
        UUID userId = UUID.fromString(given().auth().oauth2(TestTokens.token(org.admin())).contentType(ContentType.JSON)
                .body(Map.of("email", email, "role", "viewer"))
                .when().post("/api/v1/organizations/" + org.orgId() + "/invitations")
                .then().statusCode(201).extract().path("userId"));
        deliver(MemberInvited.TYPE, new MemberInvited(UUID.randomUUID(), org.orgId(), "Org", userId, email, "viewer",
                org.admin().id(), Instant.now()));
        return userId;
    }

    @Test
    @SuppressWarnings("unchecked")
    void anInvitationGivesANewInviteeAKeycloakAccountForTheirEmailAndLeavesTheirUserRowUnbound() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        String email = "new-invitee-" + UUID.randomUUID() + "@clp.test";

        UUID userId = invite(org, email);

        List<Map<String, Object>> accounts = keycloak.accountsWithEmail(email);
        assertThat(accounts).hasSize(1);
        Map<String, Object> account = accounts.get(0);
        assertThat(account.get("username")).isEqualTo(email);
        assertThat(account.get("enabled")).isEqualTo(true);
        assertThat((List<Object>) account.get("requiredActions")).containsExactlyInAnyOrder("UPDATE_PASSWORD", "VERIFY_EMAIL");
        assertThat(account.get("id")).as("Keycloak chooses the account's id").isNotEqualTo(userId.toString());
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.users WHERE id = ? AND auth_provider_id IS NULL", userId))
                .as("the user row is bound on the person's first call, not by the mirror").isEqualTo(1);
        assertThat(keycloak.memberIds((String) keycloak.organization(org.orgId()).get("id")))
                .as("an invitee is no member until they accept").doesNotContain(userId.toString(), (String) account.get("id"));

        // the event again: the account is found by its e-mail, nothing is written
        KeycloakWrites.reset();
        deliver(MemberInvited.TYPE, new MemberInvited(UUID.randomUUID(), org.orgId(), "Org", userId, email, "viewer",
                org.admin().id(), Instant.now()));
        assertThat(KeycloakWrites.since()).isEmpty();
        assertThat(keycloak.accountsWithEmail(email)).hasSize(1);
    }

    @Test
    void anInviteeWhoseAccountPredatesTheInvitationKeepsItAndGetsNoSecondOne() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        String email = "known-invitee-" + UUID.randomUUID() + "@clp.test";
        String subject = keycloak.account(email);
        KeycloakWrites.reset();

        invite(org, email);

        assertThat(KeycloakWrites.since()).noneMatch(call -> call.endsWith("/users"));
        assertThat(keycloak.accountsWithEmail(email)).extracting(a -> a.get("id")).containsExactly(subject);
    }
}
