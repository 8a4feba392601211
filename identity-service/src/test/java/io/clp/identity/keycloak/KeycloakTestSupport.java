package io.clp.identity.keycloak;

import io.clp.identity.IdentityFixtures;
import io.clp.tenancy.security.ApiKeyCredential;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;

/** An organization with an admin, a developer and an API key, made through the API, whose people have Keycloak accounts. */
record KeycloakTestSupport(UUID orgId, User admin, User member, UUID keyId, String clientId) {

    static KeycloakTestSupport organization() {
        TestKeycloak keycloak = TestKeycloak.get();
        User admin = User.withoutOrganizations();
        keycloak.account(admin.id(), admin.email());
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User member = IdentityFixtures.memberOf(orgId, "developer");
        keycloak.account(member.id(), member.email());
        String prefix = newKey(orgId, admin);
        UUID keyId = UUID.fromString(given().auth().oauth2(TestTokens.token(admin))
                .when().get("/api/v1/organizations/" + orgId + "/api-keys")
                .then().statusCode(200).extract().path("find { it.prefix == '" + prefix + "' }.id"));
        return new KeycloakTestSupport(orgId, admin, member, keyId, ApiKeyCredential.clientIdOf(prefix));
    }

    /** A new key of the organization; returns its prefix. */
    static String newKey(UUID orgId, User admin) {
        return given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body("{\"name\": \"export\", \"scopes\": [\"campaign:read\"], \"expiresAt\": \""
                        + Instant.now().plus(Duration.ofDays(30)) + "\"}")
                .when().post("/api/v1/organizations/" + orgId + "/api-keys")
                .then().statusCode(201).extract().path("apiKey.prefix");
    }

    void revokeKey() {
        given().auth().oauth2(TestTokens.token(admin)).when().delete("/api/v1/organizations/" + orgId + "/api-keys/" + keyId)
                .then().statusCode(204);
    }

    void removeMember() {
        given().auth().oauth2(TestTokens.token(admin)).when().delete("/api/v1/organizations/" + orgId + "/members/" + member.id())
                .then().statusCode(204);
    }

    /** Runs reactive work on a Vert.x context, as the scheduler and the Kafka consumer do, and waits for it. */
    static <T> T await(Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }
}
