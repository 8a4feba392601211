package io.clp.tenancy.security;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code clp_api_key} claim of a token Keycloak issued to an API key's client (see
 * docs/adr/0003-api-keys.md):
 * <pre>{"clp_api_key": {"id": "&lt;key id&gt;", "org": "&lt;org id&gt;", "user": "&lt;creator id&gt;",
 *     "scopes": ["campaign:read"], "expires_at": 1767225600}}</pre>
 * The key acts for its creator in one organization, within its scopes only.
 */
public record ApiKeyClaim(UUID id, UUID orgId, UUID userId, Set<Permission> scopes, Optional<Instant> expiresAt) {

    public static final String CLAIM = "clp_api_key";

    public boolean expired(Instant now) {
        return expiresAt.map(now::isAfter).orElse(false);
    }

    /**
     * The token's claim as it holds it, null when it holds none. The claim's name is looked up among the token's first:
     * asking a token for a claim the JWT specification does not name costs an exception (smallrye-jwt's
     * {@code Claims.valueOf}), and {@link ApiKeyExpiry} asks on every request. The claim names are the token's top-level
     * claims, the very map {@code getClaim} reads such a claim from, so a token that holds the claim always answers it.
     * A token that lists no names at all (the empty token of an anonymous request lists them as null) is asked directly.
     */
    public static Object of(JsonWebToken token) {
        Set<String> names = token.getClaimNames();
        return names == null || names.contains(CLAIM) ? token.getClaim(CLAIM) : null;
    }

    /** The claim, or empty when the token carries none (or a malformed one, which grants nothing). */
    public static Optional<ApiKeyClaim> parse(Object claim) {
        if (!(claim instanceof JsonObject key)) {
            return Optional.empty();
        }
        try {
            Set<Permission> scopes = EnumSet.noneOf(Permission.class);
            if (key.get("scopes") instanceof JsonArray array) {
                for (JsonValue value : array) {
                    if (value instanceof JsonString s) {
                        Permission.ofScope(s.getString()).ifPresent(scopes::add);
                    }
                }
            }
            Optional<Instant> expires = key.get("expires_at") instanceof JsonNumber n
                    ? Optional.of(Instant.ofEpochSecond(n.longValue())) : Optional.empty();
            return Optional.of(new ApiKeyClaim(uuid(key, "id"), uuid(key, "org"), uuid(key, "user"),
                    Collections.unmodifiableSet(scopes), expires));
        } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static UUID uuid(JsonObject key, String name) {
        return UUID.fromString(key.getString(name));
    }
}
