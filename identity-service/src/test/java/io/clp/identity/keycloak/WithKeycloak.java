package io.clp.identity.keycloak;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * identity-service against a real Keycloak: the mirror's admin client is on, authenticates as
 * identity-service's own client of the realm, and every write call it makes is counted
 * ({@link KeycloakWrites}). Pages of two entries make every listing span several pages.
 */
public class WithKeycloak implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        TestKeycloak keycloak = TestKeycloak.get();
        return Map.of(
                "quarkus.oidc-client.enabled", "true",
                "quarkus.oidc-client.auth-server-url", keycloak.realmUrl(),
                "quarkus.oidc-client.credentials.secret", keycloak.identityClientSecret(),
                "quarkus.rest-client.keycloak-admin.url", keycloak.url(),
                "quarkus.rest-client.keycloak-admin.providers", KeycloakWrites.class.getName(),
                "clp.keycloak.page-size", "2");
    }
}
