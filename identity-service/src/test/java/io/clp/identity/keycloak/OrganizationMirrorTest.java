package io.clp.identity.keycloak;

import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
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
    OrganizationMirror mirror;

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

    private static ApiKeyCreated created(UUID keyId, UUID orgId, UUID userId, String clientId) {
        return new ApiKeyCreated(keyId, orgId, userId, "forged", clientId.substring("clp-key-".length()), clientId,
                List.of("organization:delete", "member:manage"), null,
                Map.of("kty", "EC", "crv", "P-256", "x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                        "y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"), Instant.now());
    }

    @Test
    void anApiKeyCreatedEventForAKeyThatDoesNotExistCreatesNoClient() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        String forged = "clp-key-forged" + UUID.randomUUID().toString().substring(0, 6);

        deliver(ApiKeyCreated.TYPE, created(UUID.randomUUID(), org.orgId(), org.admin().id(), forged));

        assertThat(keycloak.client(forged)).isNull();
    }

    @Test
    void anApiKeyCreatedEventForARevokedKeyCreatesNoClientAndRemovesOneLeftBehind() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        ApiKeyCreated event = created(org.keyId(), org.orgId(), org.admin().id(), org.clientId());
        deliver(ApiKeyCreated.TYPE, event);
        assertThat(keycloak.client(org.clientId())).as("a usable key gets its client").isNotNull();

        // revoked in identity's rows; its revocation event never arrived
        TestDatabase.execute("UPDATE identity.auth_tokens SET is_active = false, revoked_at = now() WHERE id = ?", org.keyId());
        deliver(ApiKeyCreated.TYPE, event);

        assertThat(keycloak.client(org.clientId())).isNull();
    }

    @Test
    void anApiKeyCreatedEventForAnExpiredKeyCreatesNoClient() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        TestDatabase.execute("UPDATE identity.auth_tokens SET expires_at = now() - interval '1 minute' WHERE id = ?", org.keyId());

        deliver(ApiKeyCreated.TYPE, created(org.keyId(), org.orgId(), org.admin().id(), org.clientId()));

        assertThat(keycloak.client(org.clientId())).isNull();
    }

    @Test
    void aForgedRevocationOfAUsableKeyLeavesItsClient() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        deliver(ApiKeyCreated.TYPE, created(org.keyId(), org.orgId(), org.admin().id(), org.clientId()));

        deliver(ApiKeyRevoked.TYPE, new ApiKeyRevoked(org.keyId(), org.orgId(), org.clientId().substring(8), org.clientId(),
                "revoked", Instant.now()));
        // nor can a revocation naming another key's client delete it
        deliver(ApiKeyRevoked.TYPE, new ApiKeyRevoked(UUID.randomUUID(), org.orgId(), org.clientId().substring(8), org.clientId(),
                "revoked", Instant.now()));

        assertThat(keycloak.client(org.clientId())).isNotNull();
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

    @Test
    void aKeyWhoseCreatorWasRemovedFromTheOrganizationLosesItsClientWhenTheRemovalIsMirrored() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        deliver(ApiKeyCreated.TYPE, created(org.keyId(), org.orgId(), org.admin().id(), org.clientId()));
        assertThat(keycloak.client(org.clientId())).isNotNull();

        // the removal raced the key's creation: the membership is gone, the key still active
        TestDatabase.execute("UPDATE identity.org_memberships SET is_active = false WHERE org_id = ? AND user_id = ?",
                org.orgId(), org.admin().id());
        deliver(MembershipChanged.TYPE, new MembershipChanged(UUID.randomUUID(), org.orgId(), org.admin().id(), "removed",
                "admin", "admin", false, Instant.now()));

        assertThat(keycloak.client(org.clientId())).isNull();
        // and its own event gives it none again
        deliver(ApiKeyCreated.TYPE, created(org.keyId(), org.orgId(), org.admin().id(), org.clientId()));
        assertThat(keycloak.client(org.clientId())).isNull();
    }

    @Test
    void aKeyWhoseScopesItsCreatorsRoleNoLongerCoversGetsNoClient() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        // an admin's key that may delete the organization, its creator demoted to developer
        TestDatabase.execute("UPDATE identity.auth_tokens SET scopes = '[\"organization:delete\"]'::jsonb WHERE id = ?", org.keyId());
        TestDatabase.execute("UPDATE identity.org_memberships SET role = 'developer' WHERE org_id = ? AND user_id = ?",
                org.orgId(), org.admin().id());

        deliver(ApiKeyCreated.TYPE, created(org.keyId(), org.orgId(), org.admin().id(), org.clientId()));

        assertThat(keycloak.client(org.clientId())).isNull();
    }
}
