package io.clp.identity.keycloak;

import io.clp.events.identity.ApiKeyCreated;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.events.identity.MembershipChanged;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-driven API key mirror against a real Keycloak treats an event as a hint: a key gets a
 * client only when identity-service's rows say it is usable, whatever the event claims.
 */
@QuarkusTest
@TestProfile(WithKeycloak.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class ApiKeyMirrorTest {

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
