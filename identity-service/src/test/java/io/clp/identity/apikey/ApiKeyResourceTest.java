package io.clp.identity.apikey;

import io.clp.events.identity.ApiKeyCreated;
import io.clp.testing.EmittedEvent;
import io.clp.events.identity.ApiKeyRevoked;
import io.clp.identity.IdentityFixtures;
import io.clp.identity.Interleaving;
import io.clp.tenancy.security.ApiKeyCredential;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.EmittedEvents;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class ApiKeyResourceTest {

    private static final String IN_30_DAYS = Instant.now().plus(Duration.ofDays(30)).toString();

    /** A key made by the token's holder in the organization at {@code base}, expiring in 30 days: its id. */
    private static String newKey(String token, String base, String name, String scopes) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body(name, scopes, IN_30_DAYS))
                .when().post(base + "/api-keys").then().statusCode(201).extract().path("apiKey.id");
    }

    private static String body(String name, String scopes, String expiresAt) {
        return "{\"name\": \"" + name + "\", \"scopes\": " + scopes + ", \"expiresAt\": \"" + expiresAt + "\"}";
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aKeyIsShownOnceStoredAsAHashListedWithoutSecretsAndRevoked() throws Exception {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        String base = "/api/v1/organizations/" + orgId + "/api-keys";
        EmittedEvents.Mark mark = EmittedEvents.mark();

        var created = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(body("reporting export", "[\"campaign:read\", \"metrics:read\"]", IN_30_DAYS))
                .when().post(base)
                .then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("apiKey.name", equalTo("reporting export"))
                .body("apiKey.scopes", contains("campaign:read", "metrics:read"))
                .body("apiKey.active", equalTo(true))
                .extract();
        String key = created.path("key");
        String prefix = created.path("apiKey.prefix");
        String id = created.path("apiKey.id");
        assertThat(key).matches("clp_[a-z0-9]{8}_[0-9a-f]{64}").startsWith("clp_" + prefix + "_");

        // only the hash and the prefix are stored; the public half of the key is kept for Keycloak
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE id = CAST(? AS uuid) AND token_hash = ? "
                + "AND token_prefix = ? AND public_jwk->>'kty' = 'EC'", id, sha256(key), prefix)).isEqualTo(1);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens t WHERE position(? in CAST(row_to_json(t) AS text)) > 0",
                key.substring(13))).isZero();

        given().auth().oauth2(token).when().get(base)
                .then().statusCode(200)
                .body(not(containsString(sha256(key))))
                .body(not(containsString(key.substring(13))))
                .body("[0].prefix", equalTo(prefix))
                .body("[0].createdBy", equalTo(admin.id().toString()))
                .body("[0]", not(hasKey("key")))
                .body("[0]", not(hasKey("tokenHash")))
                .body("[0].expiresAt", notNullValue());

        given().auth().oauth2(token).when().delete(base + "/" + id).then().statusCode(204);
        given().auth().oauth2(token).when().get(base)
                .then().statusCode(200).body("[0].active", equalTo(false)).body("[0].revokedAt", notNullValue());

        EmittedEvent published = EmittedEvents.since(mark).single(ApiKeyCreated.TYPE, id)
                .hasHeaders("identity", "api-keys/" + id, orgId, "user:" + admin.id());
        assertThat(published.field("organizationId")).isEqualTo(orgId.toString());
        assertThat(published.field("userId")).isEqualTo(admin.id().toString());
        assertThat(published.field("name")).isEqualTo("reporting export");
        assertThat(published.field("prefix")).isEqualTo(prefix);
        assertThat(published.field("clientId")).startsWith("clp-key-").contains(prefix);
        assertThat(published.field("scopes")).isEqualTo("[\"campaign:read\",\"metrics:read\"]");
        assertThat(published.field("expiresAt")).isNotBlank();
        assertThat(published.payload().at("/publicJwk/kty").asText()).isEqualTo("EC");
        // the secret (and its hash) never reaches an event
        assertThat(published.payload().toString()).doesNotContain(key.substring(13)).doesNotContain(sha256(key));
        assertThat(published.payload().has("d")).isFalse();
        assertThat(published.payload().at("/publicJwk/d").isMissingNode()).isTrue();

        EmittedEvent revoked = EmittedEvents.since(mark).single(ApiKeyRevoked.TYPE, id)
                .hasHeaders("identity", "api-keys/" + id, orgId, "user:" + admin.id());
        assertThat(revoked.field("prefix")).isEqualTo(prefix);
        assertThat(revoked.field("clientId")).isEqualTo(published.field("clientId"));
        assertThat(revoked.field("reason")).isNotBlank();
        assertThat(revoked.field("revokedAt")).isNotBlank();
    }

    @Test
    void scopesMustBeKnownAndHeldByTheCreatorAndTheExpiryBounded() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User developer = IdentityFixtures.memberOf(orgId, "developer");
        String base = "/api/v1/organizations/" + orgId + "/api-keys";
        String dev = TestTokens.token(developer);

        given().auth().oauth2(dev).contentType(ContentType.JSON)
                .body(body("k", "[\"member:invite\"]", IN_30_DAYS)).when().post(base)
                .then().statusCode(400).body("errors[0].field", equalTo("scopes"))
                .body("errors[0].message", containsString("member:invite"));
        given().auth().oauth2(dev).contentType(ContentType.JSON)
                .body(body("k", "[\"campaign:fly\"]", IN_30_DAYS)).when().post(base)
                .then().statusCode(400).body("errors[0].field", equalTo("scopes"));
        given().auth().oauth2(dev).contentType(ContentType.JSON)
                .body(body("k", "[\"campaign:read\"]", Instant.now().plus(Duration.ofDays(800)).toString())).when().post(base)
                .then().statusCode(400).body("errors[0].field", equalTo("expiresAt"));
        given().auth().oauth2(dev).contentType(ContentType.JSON)
                .body(body("k", "[\"campaign:read\"]", "2001-01-01T00:00:00Z")).when().post(base)
                .then().statusCode(400).body("errors.field", hasItem("expiresAt"));
        given().auth().oauth2(dev).contentType(ContentType.JSON)
                .body("{\"name\": \"k\", \"scopes\": [\"campaign:read\"]}").when().post(base)
                .then().statusCode(400).body("errors.field", hasItem("expiresAt"));
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE org_id = ?", orgId)).isZero();

        given().auth().oauth2(dev).contentType(ContentType.JSON)
                .body(body("k", "[\"pipeline:execute\"]", IN_30_DAYS)).when().post(base).then().statusCode(201);
    }

    @Test
    void theApiKeysQuotaHolds() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String token = TestTokens.token(admin);
        String base = "/api/v1/organizations/" + orgId + "/api-keys";
        // the free plan allows 2 keys
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(token).contentType(ContentType.JSON)
                    .body(body("k" + i, "[\"campaign:read\"]", IN_30_DAYS)).when().post(base).then().statusCode(201);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(body("k3", "[\"campaign:read\"]", IN_30_DAYS)).when().post(base)
                .then().statusCode(409).body("type", equalTo("urn:clp:problem:quota-exceeded"))
                .body("detail", containsString("api_keys"));
        given().auth().oauth2(token).when().get("/api/v1/organizations/" + orgId + "/quotas")
                .then().statusCode(200).body("api_keys.used", equalTo(2));
    }

    @Test
    void developersRevokeOnlyTheirOwnKeys() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User developer = IdentityFixtures.memberOf(orgId, "developer");
        UUID adminKey = IdentityFixtures.apiKeyOf(orgId, admin.id());
        UUID ownKey = IdentityFixtures.apiKeyOf(orgId, developer.id());
        String base = "/api/v1/organizations/" + orgId + "/api-keys/";
        given().auth().oauth2(TestTokens.token(developer)).when().delete(base + adminKey).then().statusCode(403);
        given().auth().oauth2(TestTokens.token(developer)).when().delete(base + ownKey).then().statusCode(204);
        given().auth().oauth2(TestTokens.token(admin)).when().delete(base + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void leavingTheOrganizationOrLosingAScopesPermissionRevokesKeys() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User developer = IdentityFixtures.memberOf(orgId, "developer");
        String base = "/api/v1/organizations/" + orgId;
        String dev = TestTokens.token(developer);
        String readKey = newKey(dev, base, "read", "[\"campaign:read\"]");
        String runKey = newKey(dev, base, "run", "[\"pipeline:execute\"]");

        // a viewer does not hold pipeline:execute: that key goes, the read-only one stays
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON).body("{\"role\": \"viewer\"}")
                .when().patch(base + "/members/" + developer.id()).then().statusCode(200);
        assertThat(active(runKey)).isFalse();
        assertThat(active(readKey)).isTrue();

        given().auth().oauth2(TestTokens.token(admin)).when().delete(base + "/members/" + developer.id()).then().statusCode(204);
        assertThat(active(readKey)).isFalse();
    }

    @Test
    void becomingAClientsMemberRevokesEveryKeyEvenOneOfPermissionsTheRoleHolds() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User developer = IdentityFixtures.memberOf(orgId, "developer");
        String base = "/api/v1/organizations/" + orgId;
        String readKey = newKey(TestTokens.token(developer), base, "read", "[\"campaign:read\", \"metrics:read\"]");

        // a client's member reads campaigns and metrics too, but of their clients only: a key carries no such limit (Memberships)
        given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON).body("{\"role\": \"client\"}")
                .when().patch(base + "/members/" + developer.id()).then().statusCode(200);
        assertThat(active(readKey)).isFalse();
    }

    @Test
    void aKeyRequestedWhileItsCreatorIsBeingRemovedIsRefusedAndNoKeyIsLeft() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User leaving = IdentityFixtures.memberOf(orgId, "admin");
        String base = "/api/v1/organizations/" + orgId;
        CompletableFuture<Response> removal;
        CompletableFuture<Response> creation;
        // the removal queues first on the organization's row, the key request behind it
        try (Interleaving lock = Interleaving.hold("SELECT id FROM identity.organizations WHERE id = ? FOR UPDATE", orgId)) {
            removal = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(admin))
                    .when().delete(base + "/members/" + leaving.id()));
            Interleaving.awaitWaiting(1, removal);
            creation = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(leaving)).contentType(ContentType.JSON)
                    .body(body("parting gift", "[\"campaign:read\", \"member:invite\"]", IN_30_DAYS)).when().post(base + "/api-keys"));
            Interleaving.awaitWaiting(2, removal, creation);
            lock.release();
        }
        assertThat(removal.join().statusCode()).isEqualTo(204);
        assertThat(creation.join().statusCode()).isEqualTo(404);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE user_id = ? AND is_active", leaving.id())).isZero();
    }

    @Test
    void aKeyRequestedWhileItsCreatorIsBeingDemotedCannotKeepTheLostScopes() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User demoted = IdentityFixtures.memberOf(orgId, "developer");
        String base = "/api/v1/organizations/" + orgId;
        CompletableFuture<Response> demotion;
        CompletableFuture<Response> creation;
        try (Interleaving lock = Interleaving.hold("SELECT id FROM identity.organizations WHERE id = ? FOR UPDATE", orgId)) {
            demotion = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                    .body("{\"role\": \"viewer\"}").when().patch(base + "/members/" + demoted.id()));
            Interleaving.awaitWaiting(1, demotion);
            creation = Interleaving.start(() -> given().auth().oauth2(TestTokens.token(demoted)).contentType(ContentType.JSON)
                    .body(body("run", "[\"pipeline:execute\"]", IN_30_DAYS)).when().post(base + "/api-keys"));
            Interleaving.awaitWaiting(2, demotion, creation);
            lock.release();
        }
        assertThat(demotion.join().statusCode()).isEqualTo(200);
        // a viewer holds neither api_key:create nor pipeline:execute
        assertThat(creation.join().statusCode()).isIn(400, 403);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE user_id = ? AND is_active", demoted.id())).isZero();
    }

    @Test
    void anApiKeyActsWithinItsScopesInItsOwnOrganizationOnly() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        UUID otherOrg = IdentityFixtures.organizationOf(admin);
        UUID keyId = IdentityFixtures.apiKeyOf(orgId, admin.id());
        String key = TestTokens.apiKey(keyId, orgId, admin.id(), List.of("member:read"), Instant.now().plus(Duration.ofDays(1)));

        given().auth().oauth2(key).when().get("/api/v1/organizations/" + orgId + "/members").then().statusCode(200);
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"email\": \"k@clp.test\", \"role\": \"viewer\"}")
                .when().post("/api/v1/organizations/" + orgId + "/invitations")
                .then().statusCode(403).body("detail", containsString("member:invite"));
        given().auth().oauth2(key).when().get("/api/v1/organizations/" + otherOrg + "/members").then().statusCode(404);
    }

    @Test
    void anApiKeyCannotActForItsCreatorBeyondItsOrganization() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        String key = TestTokens.apiKey(IdentityFixtures.apiKeyOf(orgId, admin.id()), orgId, admin.id(),
                List.of("organization:read", "member:read"), Instant.now().plus(Duration.ofDays(1)));
        given().auth().oauth2(key).when().get("/api/v1/me").then().statusCode(403);
        given().auth().oauth2(key).when().get("/api/v1/organizations").then().statusCode(403);
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"name\": \"Key org\", \"slug\": \"key-org-"
                        + UUID.randomUUID().toString().substring(0, 8) + "\"}")
                .when().post("/api/v1/organizations").then().statusCode(403);
        given().auth().oauth2(key).when().post("/api/v1/invitations/" + UUID.randomUUID() + "/accept").then().statusCode(403);
        given().auth().oauth2(key).when().get("/api/v1/organizations/" + orgId).then().statusCode(200);
    }

    @Test
    void aTokenOfAnExpiredKeyIsRefusedEvenWhileTheKeysRowStillLooksLive() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        // the row expires in 30 days; the token says the key expired a minute ago (fetched from Keycloak directly)
        UUID keyId = IdentityFixtures.apiKeyOf(orgId, admin.id());
        String expired = TestTokens.apiKey(keyId, orgId, admin.id(), List.of("member:read"), Instant.now().minusSeconds(60));
        String live = TestTokens.apiKey(keyId, orgId, admin.id(), List.of("member:read"), Instant.now().plusSeconds(3600));

        given().auth().oauth2(live).when().get("/api/v1/organizations/" + orgId + "/members").then().statusCode(200);
        given().auth().oauth2(expired).when().get("/api/v1/organizations/" + orgId + "/members")
                .then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:unauthorized"));
        given().auth().oauth2(expired).when().get("/api/v1/roles").then().statusCode(401);
    }

    @Test
    void aRevokedKeysStillValidTokenIsRefused() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        UUID keyId = IdentityFixtures.apiKeyOf(orgId, admin.id());
        String key = TestTokens.apiKey(keyId, orgId, admin.id(), List.of("member:read"), Instant.now().plus(Duration.ofDays(1)));
        String members = "/api/v1/organizations/" + orgId + "/members";
        given().auth().oauth2(key).when().get(members).then().statusCode(200);

        given().auth().oauth2(TestTokens.token(admin)).when().delete("/api/v1/organizations/" + orgId + "/api-keys/" + keyId)
                .then().statusCode(204);
        // Keycloak issued the token before the revocation and it is still within its lifetime
        given().auth().oauth2(key).when().get(members)
                .then().statusCode(401).contentType("application/problem+json")
                .body("type", equalTo("urn:clp:problem:unauthorized"));
    }

    @Test
    void aTokenNamingAKeyIdentityDoesNotKnowOrOfAnotherOrganizationIsRefused() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        UUID otherOrg = IdentityFixtures.organizationOf(admin);
        String members = "/api/v1/organizations/" + orgId + "/members";
        String unknown = TestTokens.apiKey(UUID.randomUUID(), orgId, admin.id(), List.of("member:read"), Instant.now().plus(Duration.ofDays(1)));
        given().auth().oauth2(unknown).when().get(members).then().statusCode(401);

        // a key of the other organization, presented as if it belonged to this one
        UUID elsewhere = IdentityFixtures.apiKeyOf(otherOrg, admin.id());
        String forged = TestTokens.apiKey(elsewhere, orgId, admin.id(), List.of("member:read"), Instant.now().plus(Duration.ofDays(1)));
        given().auth().oauth2(forged).when().get(members).then().statusCode(401);

        TestDatabase.execute("UPDATE identity.auth_tokens SET expires_at = now() - interval '1 minute' WHERE id = ?", elsewhere);
        String lapsed = TestTokens.apiKey(elsewhere, otherOrg, admin.id(), List.of("member:read"), Instant.now().plus(Duration.ofDays(1)));
        given().auth().oauth2(lapsed).when().get("/api/v1/organizations/" + otherOrg + "/members").then().statusCode(401);
    }

    @Test
    void deletingAnOrganizationRevokesAllItsKeysAndPublishesEachRevocation() {
        EmittedEvents.start();
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        User developer = IdentityFixtures.memberOf(orgId, "developer");
        String base = "/api/v1/organizations/" + orgId;
        String adminKey = newKey(TestTokens.token(admin), base, "admin's", "[\"campaign:read\"]");
        String devKey = newKey(TestTokens.token(developer), base, "developer's", "[\"campaign:read\"]");
        UUID otherOrg = IdentityFixtures.organizationOf(admin);
        UUID bystander = IdentityFixtures.apiKeyOf(otherOrg, admin.id());

        given().auth().oauth2(TestTokens.token(admin)).when().delete(base).then().statusCode(204);

        for (String keyId : List.of(adminKey, devKey)) {
            assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE id = CAST(? AS uuid) AND NOT is_active "
                    + "AND revoked_at IS NOT NULL AND revoked_by = ?", keyId, admin.id())).isEqualTo(1);
            List<String> revoked = EmittedEvents.published("identity").ofType(ApiKeyRevoked.TYPE).about(keyId).payloads();
            assertThat(revoked).hasSize(1);
            assertThat(revoked.get(0)).containsPattern("\"reason\":\\s*\"organization_deleted\"")
                    .containsPattern("\"clientId\":\\s*\"clp-key-");
        }
        assertThat(active(bystander.toString())).isTrue();
        assertThat(EmittedEvents.published("identity").ofType(ApiKeyRevoked.TYPE).about(bystander).payloads()).isEmpty();
    }

    @Test
    void theDatabaseRefusesASecondKeyWithAPrefixEvenAfterTheFirstIsRevoked() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        UUID first = IdentityFixtures.apiKeyOf(orgId, admin.id());
        String prefix = TestDatabase.text("SELECT token_prefix FROM identity.auth_tokens WHERE id = ?", first);
        TestDatabase.execute("UPDATE identity.auth_tokens SET is_active = false, revoked_at = now() WHERE id = ?", first);

        assertThatThrownBy(() -> TestDatabase.execute("INSERT INTO identity.auth_tokens (user_id, org_id, token_type, token_hash, "
                + "token_prefix, name, expires_at) VALUES (?, ?, 'api_key', 'another hash', ?, 'twin', now() + interval '1 day')",
                admin.id(), orgId, prefix))
                .hasMessageContaining("uq_auth_tokens_api_key_prefix");
    }

    @Test
    void aKeyWhosePrefixIsTakenIsMadeAgainWithAnother() {
        User admin = User.withoutOrganizations();
        UUID orgId = IdentityFixtures.organizationOf(admin);
        UUID existing = IdentityFixtures.apiKeyOf(orgId, admin.id());
        String taken = TestDatabase.text("SELECT token_prefix FROM identity.auth_tokens WHERE id = ?", existing);
        AtomicInteger made = new AtomicInteger();
        QuarkusMock.installMockForType(new ApiKeyGenerator() {
            @Override
            public ApiKeyCredential.Generated next() {
                return made.getAndIncrement() == 0 ? ApiKeyCredential.generate(taken) : super.next();
            }
        }, ApiKeyGenerator.class);

        String prefix = given().auth().oauth2(TestTokens.token(admin)).contentType(ContentType.JSON)
                .body(body("second", "[\"campaign:read\"]", IN_30_DAYS)).when().post("/api/v1/organizations/" + orgId + "/api-keys")
                .then().statusCode(201).extract().path("apiKey.prefix");

        assertThat(made.get()).isEqualTo(2);
        assertThat(prefix).isNotEqualTo(taken);
        assertThat(TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE token_prefix = ?", taken)).isEqualTo(1);
        assertThat(active(existing.toString())).isTrue();
    }

    private static boolean active(String keyId) {
        return TestDatabase.count("SELECT count(*) FROM identity.auth_tokens WHERE id = CAST(? AS uuid) AND is_active", keyId) == 1;
    }
}
