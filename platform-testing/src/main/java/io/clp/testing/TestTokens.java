package io.clp.testing;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mints signed access tokens with exactly the claim shape the project's Keycloak realm issues
 * (audience {@code clp-api}, the {@code organization} claim with {@code clp_org_id} and the
 * organization-group roles), signed with the test key that {@link PlatformTestResource} makes the
 * service trust. The end-to-end tests check the same shape against real Keycloak.
 */
public final class TestTokens {

    public static final String ISSUER = "https://keycloak.test/realms/clp";
    public static final String AUDIENCE = "clp-api";

    private TestTokens() {
    }

    /** A user and their organizations: org id to role id (admin, developer, analyst, viewer). */
    public record User(UUID id, String email, Map<UUID, String> roles) {
        public static User member(UUID orgId, String role) {
            UUID id = UUID.randomUUID();
            return new User(id, "user-" + id + "@clp.test", Map.of(orgId, role));
        }

        public static User withoutOrganizations() {
            UUID id = UUID.randomUUID();
            return new User(id, "user-" + id + "@clp.test", Map.of());
        }
    }

    public static String token(User user) {
        return builder(user).sign(privateKey());
    }

    public static String expired(User user) {
        return builder(user).issuedAt(Instant.now().minus(Duration.ofHours(2)))
                .expiresAt(Instant.now().minus(Duration.ofHours(1))).sign(privateKey());
    }

    /** A token that expires at the given second (a JWT's expiry has no finer unit). */
    public static String expiringAt(User user, Instant expiresAt) {
        return builder(user).expiresAt(expiresAt).sign(privateKey());
    }

    /** A token of someone who runs the installation: the realm role clp-operator. */
    public static String operator(User user) {
        return builder(user).claim("realm_access", Map.of("roles", List.of("clp-operator"))).sign(privateKey());
    }

    /** A token whose e-mail Keycloak has not verified ({@code email_verified: false}). */
    public static String withUnverifiedEmail(User user) {
        return builder(user).claim("email_verified", false).sign(privateKey());
    }

    public static String withIssuer(User user, String issuer) {
        return builder(user).issuer(issuer).sign(privateKey());
    }

    public static String withAudience(User user, String audience) {
        return builder(user).audience(audience).sign(privateKey());
    }

    public static JwtClaimsBuilder builder(User user) {
        Map<String, Object> organizations = new LinkedHashMap<>();
        user.roles().forEach((orgId, role) -> organizations.put("org-" + orgId.toString().substring(0, 8), Map.of(
                "id", UUID.nameUUIDFromBytes(orgId.toString().getBytes(StandardCharsets.UTF_8)).toString(),
                "clp_org_id", List.of(orgId.toString()),
                "groups", List.of("/" + role),
                "realm_access", Map.of("roles", List.of(role)))));
        return Jwt.issuer(ISSUER)
                .subject(user.id().toString())
                .audience(AUDIENCE)
                .claim("typ", "Bearer")
                .claim("azp", "clp-web")
                .claim("scope", "openid email profile organization")
                .claim("preferred_username", user.email())
                .claim("email", user.email())
                .claim("email_verified", true)
                .claim("name", "Test " + user.email())
                .claim("organization", organizations)
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plus(Duration.ofMinutes(5)));
    }

    /**
     * A token as Keycloak issues it to an API key's client (see identity-service ApiKeyClients): a
     * service-account subject, audience clp-api, and the clp_api_key claim.
     */
    public static String apiKey(UUID keyId, UUID orgId, UUID creatorId, List<String> scopes, Instant keyExpiresAt) {
        return apiKeyOfClient(apiKeyClient(keyId), keyId, orgId, creatorId, scopes, keyExpiresAt);
    }

    /** The Keycloak client {@link #apiKey} names as the token's {@code azp}: {@code clp-key-<prefix>}. */
    public static String apiKeyClient(UUID keyId) {
        return "clp-key-" + apiKeyPrefix(keyId);
    }

    /** The prefix of the key {@link #apiKey} stands for: the first 8 characters of its id. */
    public static String apiKeyPrefix(UUID keyId) {
        return keyId.toString().substring(0, 8);
    }

    /** As {@link #apiKey}, issued to the Keycloak client {@code clientId} (its {@code azp}). */
    public static String apiKeyOfClient(String clientId, UUID keyId, UUID orgId, UUID creatorId, List<String> scopes,
                                        Instant keyExpiresAt) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("id", keyId.toString());
        claim.put("org", orgId.toString());
        claim.put("user", creatorId.toString());
        claim.put("scopes", scopes);
        claim.put("expires_at", keyExpiresAt.getEpochSecond());
        return Jwt.issuer(ISSUER)
                .subject(UUID.randomUUID().toString())
                .audience(AUDIENCE)
                .claim("typ", "Bearer")
                .claim("azp", clientId)
                .claim("preferred_username", "service-account-" + clientId)
                .claim("clp_api_key", claim)
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plus(Duration.ofMinutes(1)))
                .sign(privateKey());
    }

    /** The audience of CLP's internal service-to-service API (docs/adr/0012-internal-service-calls.md). */
    public static final String INTERNAL_AUDIENCE = "clp-internal";

    /**
     * A token as Keycloak issues it to a CLP service's own confidential client (client-credentials grant, see the
     * realm's {@code clp-pipeline-service}): a service-account subject, audience {@code clp-internal}, the client as
     * {@code azp} and {@code client_id}, the realm roles given, and no organization or API key claim.
     */
    public static String serviceAccount(String clientId, List<String> realmRoles) {
        return serviceAccount(clientId, realmRoles, INTERNAL_AUDIENCE);
    }

    /** As {@link #serviceAccount(String, List)}, for another audience. */
    public static String serviceAccount(String clientId, List<String> realmRoles, String audience) {
        return Jwt.issuer(ISSUER)
                .subject(UUID.nameUUIDFromBytes(("service-account-" + clientId).getBytes(StandardCharsets.UTF_8)).toString())
                .audience(audience)
                .claim("typ", "Bearer")
                .claim("azp", clientId)
                .claim("client_id", clientId)
                .claim("preferred_username", "service-account-" + clientId)
                .claim("realm_access", Map.of("roles", realmRoles))
                .claim("scope", "profile email")
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plus(Duration.ofMinutes(5)))
                .sign(privateKey());
    }

    static PrivateKey privateKey() {
        String pem = resource("clp-test-keys/private-key.pem")
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException("test signing key unreadable", e);
        }
    }

    static String publicKey() {
        return resource("clp-test-keys/public-key.pem").replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    private static String resource(String name) {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
